import { computeDailyDose } from '../../src/logic/dose/daily-dose';
import type { FhirResource } from '../../src/fhir/prefetch';
import { readRecordMedicationRequest, readObservation } from '../../src/fhir/read-record';
import {
  readCodeableConcept,
  readCoding,
  readDosage,
  readList,
  readPeriod,
  readQuantity,
  readRange,
  readRatio,
  readReference,
  readTiming,
} from '../../src/fhir/r4-elements';

/**
 * Reading a record copies an element only when something in it has to change (bench/, issue 5:
 * the copies were more than half of what a hook allocated). A well-formed element is used as it
 * came; one with a blank, mistyped or older-version element is still read into clean R4, and the
 * request body itself is never changed.
 */
const NOW = new Date('2026-06-01T09:00:00Z');

function tacrolimusOrder(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    id: 'mr-tac',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    authoredOn: '2026-01-05',
    medicationCodeableConcept: {
      coding: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '198377',
          display: 'tacrolimus 1 MG Oral Capsule',
        },
      ],
      text: 'tacrolimus 1 MG Oral Capsule',
    },
    dosageInstruction: [
      {
        text: '2 mg BID',
        timing: {
          repeat: { boundsPeriod: { start: '2026-01-05' }, frequency: 2, period: 1, periodUnit: 'd' },
        },
        doseAndRate: [
          { doseQuantity: { value: 2, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
        ],
      },
    ],
    ...overrides,
  };
}

describe('a well-formed tacrolimus order is read without copying its elements', () => {
  it('keeps the medication concept, the dosage list and the dose quantity as they came, and reads 4 mg/day', () => {
    const raw = tacrolimusOrder();
    const before = structuredClone(raw);
    const order = readRecordMedicationRequest(raw, 0, []);
    const rawDosage = (raw.dosageInstruction as Record<string, unknown>[])[0];
    expect(order.medicationCodeableConcept).toBe(raw.medicationCodeableConcept);
    expect(order.dosageInstruction).toBe(raw.dosageInstruction);
    expect(order.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity).toBe(
      (rawDosage?.doseAndRate as Record<string, unknown>[])[0]?.doseQuantity,
    );
    expect(computeDailyDose(order.dosageInstruction, { now: NOW })).toMatchObject({ ok: true, mgPerDay: 4 });
    expect(raw).toEqual(before);
  });

  it('keeps a trough result’s code and value quantity as they came', () => {
    const raw = {
      resourceType: 'Observation',
      id: 'obs-1',
      status: 'final',
      subject: { reference: 'Patient/pt' },
      code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
      effectiveDateTime: '2026-05-30T08:00:00Z',
      valueQuantity: { value: 3.1, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
    };
    const result = readObservation(raw);
    expect(result.code).toBe(raw.code);
    expect(result.valueQuantity).toBe(raw.valueQuantity);
    expect(result.subject).toBe(raw.subject);
  });
});

describe('an element that needs reading is still read into clean R4, never passed through', () => {
  it('drops a blank RxNorm code and keeps the display, without touching the request body', () => {
    const concept = {
      coding: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '   ',
          display: 'tacrolimus 1 MG Oral Capsule',
        },
      ],
      text: 'tacrolimus',
    };
    const before = structuredClone(concept);
    const read = readCodeableConcept(concept);
    expect(read).not.toBe(concept);
    expect(read?.coding?.[0]).toEqual(
      expect.objectContaining({ code: undefined, display: 'tacrolimus 1 MG Oral Capsule' }),
    );
    expect(concept).toEqual(before);
  });

  it('reads a blank text as absent and a single coding object (CDS Hooks Sandbox) as a list', () => {
    const single = { system: 'http://loinc.org', code: '77348-1' };
    const read = readCodeableConcept({ coding: single, text: ' \t' });
    expect(read?.text).toBeUndefined();
    expect(read?.coding).toEqual([single]);
    expect(readCodeableConcept({ coding: [single], text: '\u00a0' })?.text).toBeUndefined();
  });

  it('reads an empty coding list as absent', () => {
    expect(readCodeableConcept({ coding: [], text: 'tacrolimus' })).toEqual({
      coding: undefined,
      text: 'tacrolimus',
    });
  });

  it('drops only the unreadable codings of a list and keeps the readable ones in order', () => {
    const good = { system: 'http://loinc.org', code: '77348-1' };
    const other = { system: 'http://loinc.org', code: '62205-0' };
    const list = [good, { system: 'http://loinc.org' }, 'x', other];
    expect(readList(list, readCoding)).toEqual([good, other]);
    expect(readList([good, other], readCoding)).toEqual([good, other]);
    expect(readList([{ system: 'x' }], readCoding)).toBeUndefined();
  });

  it('drops a value behind an unknown comparator and a value sent as a string', () => {
    expect(readQuantity({ value: 3.1, comparator: '~', unit: 'ng/mL' })?.value).toBeUndefined();
    expect(readQuantity({ value: '3.1', unit: 'ng/mL' })?.value).toBeUndefined();
    expect(readQuantity({ value: 3.1, comparator: '<', unit: 'ng/mL' })).toMatchObject({
      value: 3.1,
      comparator: '<',
    });
  });

  it('reads a DSTU2 periodUnits into periodUnit: prednisone 5 mg twice per day is 10 mg/day', () => {
    const order = readRecordMedicationRequest(
      tacrolimusOrder({
        medicationCodeableConcept: { text: 'prednisone 5 mg tablet' },
        dosageInstruction: [
          {
            timing: { repeat: { frequency: 2, period: 1, periodUnits: 'd' } },
            doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }],
          },
        ],
      }),
      0,
      [],
    );
    expect(order.dosageInstruction?.[0]?.timing?.repeat?.periodUnit).toBe('d');
    expect(computeDailyDose(order.dosageInstruction, { now: NOW })).toMatchObject({ ok: true, mgPerDay: 10 });
  });

  it('moves an STU3 dose on the Dosage itself into a doseAndRate entry of its own', () => {
    const dosage = {
      timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
      doseQuantity: { value: 5, unit: 'mg' },
    };
    const read = readDosage(dosage);
    const entry = read?.doseAndRate?.[0];
    expect(entry).toEqual({
      type: undefined,
      doseQuantity: { value: 5, unit: 'mg' },
      doseRange: undefined,
      rateQuantity: undefined,
      rateRatio: undefined,
      rateRange: undefined,
    });
    expect(entry).not.toHaveProperty('timing');
    expect(read).not.toBe(dosage);
  });

  it('gives no dose when the frequency is a string, even though the rest of the timing is well-formed', () => {
    const order = readRecordMedicationRequest(
      tacrolimusOrder({
        dosageInstruction: [
          {
            timing: {
              repeat: { frequency: '2', period: 1, periodUnit: 'd' },
              code: { coding: [{ code: 'QD' }] },
            },
            doseAndRate: [{ doseQuantity: { value: 2, unit: 'mg' } }],
          },
        ],
      }),
      0,
      [],
    );
    expect(order.dosageInstruction?.[0]?.timing?.code).toBeUndefined();
    expect(computeDailyDose(order.dosageInstruction, { now: NOW })).toMatchObject({ ok: false });
  });
});

/** The value at a path of keys and indexes, or undefined. */
function at(value: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * Each row is an element as some EHR sends it, well-formed but for one part. Passing it through
 * as it came would hand the rules that part unread; each reader must rebuild the element instead.
 */
const QUIRKS: readonly [
  string,
  (value: unknown) => unknown,
  Record<string, unknown>,
  readonly (string | number)[],
  unknown,
][] = [
  ['a Period whose start is blank', readPeriod, { start: ' ', end: '2026-01-01' }, ['start'], undefined],
  [
    'a Reference whose display is blank',
    readReference,
    { reference: 'Patient/pt', display: ' ' },
    ['display'],
    undefined,
  ],
  [
    'a Reference whose type is a number',
    readReference,
    { reference: 'Patient/pt', type: 3 },
    ['type'],
    undefined,
  ],
  [
    'a Range whose low value is a string',
    readRange,
    { low: { value: '1', unit: 'mg' }, high: { value: 2, unit: 'mg' } },
    ['low', 'value'],
    undefined,
  ],
  [
    'a Ratio whose numerator unit is blank',
    readRatio,
    { numerator: { value: 500, unit: ' ' }, denominator: { value: 1 } },
    ['numerator', 'unit'],
    undefined,
  ],
  ['a Quantity whose unit is blank', readQuantity, { value: 2, unit: ' ', code: 'mg' }, ['unit'], undefined],
  [
    'a Quantity whose system is a number',
    readQuantity,
    { value: 2, system: 5, code: 'mg' },
    ['system'],
    undefined,
  ],
  ['a Quantity whose code is empty', readQuantity, { value: 2, unit: 'mg', code: '' }, ['code'], undefined],
  [
    'a Quantity whose comparator is blank',
    readQuantity,
    { value: 2, comparator: ' ', unit: 'mg' },
    ['comparator'],
    undefined,
  ],
  [
    'a Quantity with an unknown comparator and no value',
    readQuantity,
    { comparator: '~', unit: 'mg' },
    ['comparator'],
    undefined,
  ],
  ['a Coding whose system is blank', readCoding, { system: ' ', code: '77348-1' }, ['system'], undefined],
  [
    'a Timing with one event as a string',
    readTiming,
    { event: '2026-01-01T08:00:00Z' },
    ['event'],
    ['2026-01-01T08:00:00Z'],
  ],
  [
    'a Timing whose code has only a blank text',
    readTiming,
    { repeat: { frequency: 1 }, code: { text: ' ' } },
    ['code'],
    undefined,
  ],
  [
    'a repeat whose bounds start is blank',
    readTiming,
    { repeat: { boundsPeriod: { start: ' ', end: '2026-02-01' } } },
    ['repeat', 'boundsPeriod', 'start'],
    undefined,
  ],
  [
    'a DSTU2 repeat with boundsQuantity',
    readTiming,
    { repeat: { boundsQuantity: { value: 7, unit: 'd' } } },
    ['repeat', 'boundsDuration', 'value'],
    7,
  ],
  [
    'a DSTU2 repeat with durationUnits',
    readTiming,
    { repeat: { duration: 1, durationUnits: 'h' } },
    ['repeat', 'durationUnit'],
    'h',
  ],
  [
    'a repeat whose period is a string',
    readTiming,
    { repeat: { frequency: 1, period: '1', periodUnit: 'd' } },
    ['repeat', 'period'],
    undefined,
  ],
  [
    'a repeat with one when as a string',
    readTiming,
    { repeat: { when: 'MORN' } },
    ['repeat', 'when'],
    ['MORN'],
  ],
  [
    'a dose whose type has only a blank text',
    readDosage,
    { doseAndRate: [{ type: { text: ' ' }, doseQuantity: { value: 2, unit: 'mg' } }] },
    ['doseAndRate', 0, 'type'],
    undefined,
  ],
  [
    'a dose range whose low value is a string',
    readDosage,
    { doseAndRate: [{ doseRange: { low: { value: '1', unit: 'mg' } } }] },
    ['doseAndRate', 0, 'doseRange', 'low', 'value'],
    undefined,
  ],
  [
    'an STU3 doseSimpleQuantity inside doseAndRate',
    readDosage,
    { doseAndRate: [{ doseSimpleQuantity: { value: 2, unit: 'mg' } }] },
    ['doseAndRate', 0, 'doseQuantity', 'value'],
    2,
  ],
  [
    'a Dosage whose text is blank',
    readDosage,
    { text: ' ', doseAndRate: [{ doseQuantity: { value: 2, unit: 'mg' } }] },
    ['text'],
    undefined,
  ],
  ['a Dosage whose route has only a blank text', readDosage, { route: { text: ' ' } }, ['route'], undefined],
  [
    'a DSTU2 Dosage with siteCodeableConcept',
    readDosage,
    { siteCodeableConcept: { text: 'left arm' } },
    ['site', 'text'],
    'left arm',
  ],
  [
    'a DSTU2 Dosage with one additionalInstructions',
    readDosage,
    { additionalInstructions: { text: 'with food' } },
    ['additionalInstruction', 0, 'text'],
    'with food',
  ],
  [
    'a maximum dose whose numerator value is a string',
    readDosage,
    { maxDosePerPeriod: { numerator: { value: '4' }, denominator: { value: 1 } } },
    ['maxDosePerPeriod', 'numerator', 'value'],
    undefined,
  ],
  [
    'a taper step whose sequence is a string',
    readDosage,
    { sequence: '2', timing: { repeat: { frequency: 1 } } },
    ['sequence'],
    undefined,
  ],
  [
    'an as-needed flag sent as the string "true"',
    readDosage,
    { asNeededBoolean: 'true', timing: { repeat: { frequency: 1 } } },
    ['asNeededBoolean'],
    undefined,
  ],
];

describe('an element well-formed but for one part is rebuilt, not passed through', () => {
  it.each(QUIRKS)('reads %s', (_name, read, input, path, expected) => {
    const before = structuredClone(input);
    const result = read(input);
    expect(result).not.toBe(input);
    expect(at(result, path)).toEqual(expected);
    expect(input).toEqual(before);
  });
});
