import type { FhirResource } from '../../src/fhir/prefetch';
import { readDosage } from '../../src/fhir/r4-dosage';
import {
  readCodeableConcept,
  readCoding,
  readList,
  readPeriod,
  readQuantity,
  readRange,
  readRatio,
  readReference,
  readTiming,
} from '../../src/fhir/r4-elements';
import { readObservation, readRecordMedicationRequest } from '../../src/fhir/read-record';
import { computeDailyDose } from '../../src/logic/dose/daily-dose';

/**
 * What the element readers accept from EHRs: blank, mistyped, single-valued and older-version
 * elements are read into clean R4, what a reader does not read never reaches the record, and the
 * request body itself is never changed.
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const UCUM = 'http://unitsofmeasure.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

function tacrolimusOrder(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    id: 'mr-tac',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    authoredOn: '2026-01-05',
    medicationCodeableConcept: {
      coding: [{ system: RXNORM, code: '198377', display: 'tacrolimus 1 MG Oral Capsule' }],
      text: 'tacrolimus 1 MG Oral Capsule',
    },
    dosageInstruction: [
      {
        text: '2 mg BID',
        timing: {
          repeat: { boundsPeriod: { start: '2026-01-05' }, frequency: 2, period: 1, periodUnit: 'd' },
        },
        doseAndRate: [{ doseQuantity: { value: 2, unit: 'mg', system: UCUM, code: 'mg' } }],
      },
    ],
    ...overrides,
  };
}

describe('a well-formed tacrolimus order and trough', () => {
  it('reads the order as it came, 4 mg/day, and leaves the body unchanged', () => {
    const raw = tacrolimusOrder();
    const before = structuredClone(raw);
    const order = readRecordMedicationRequest(raw, 0, []);
    expect(order.medicationCodeableConcept).toEqual(raw.medicationCodeableConcept);
    expect(order.dosageInstruction).toEqual(raw.dosageInstruction);
    expect(computeDailyDose(order.dosageInstruction, { now: NOW })).toMatchObject({ ok: true, mgPerDay: 4 });
    expect(raw).toEqual(before);
  });

  it('reads a trough result’s code, value and subject as they came', () => {
    const raw = {
      resourceType: 'Observation',
      id: 'obs-1',
      status: 'final',
      subject: { reference: 'Patient/pt' },
      code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
      effectiveDateTime: '2026-05-30T08:00:00Z',
      valueQuantity: { value: 3.1, unit: 'ng/mL', system: UCUM, code: 'ng/mL' },
    };
    const result = readObservation(raw);
    expect(result.code).toEqual(raw.code);
    expect(result.valueQuantity).toEqual(raw.valueQuantity);
    expect(result.subject).toEqual(raw.subject);
  });
});

describe('an element that needs reading is read into clean R4', () => {
  it('drops a blank RxNorm code and keeps the display, without touching the request body', () => {
    const concept = {
      coding: [{ system: RXNORM, code: '   ', display: 'tacrolimus 1 MG Oral Capsule' }],
      text: 'tacrolimus',
    };
    const before = structuredClone(concept);
    const read = readCodeableConcept(concept);
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
 * Each row is an element as some EHR sends it, well-formed but for one part: blank, mistyped,
 * a single value where R4 has a list, or spelled as in DSTU2 / STU3. The reader gives the R4
 * element with that part read (or dropped) and leaves the body as it came.
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

describe('an element well-formed but for one part', () => {
  it.each(QUIRKS)('reads %s', (_name, read, input, path, expected) => {
    const before = structuredClone(input);
    expect(at(read(input), path)).toEqual(expected);
    expect(input).toEqual(before);
  });
});

/** An R4 draft Dosage that also carries what the readers do not read. */
const DOSAGE_WITH_LEFTOVERS = {
  id: 'dosage-1',
  extension: [{ url: 'http://example.org/ordered-by', valueString: 'resident' }],
  text: '4 tablets twice daily',
  _text: { extension: [{ url: 'http://example.org/typed-by', valueString: 'resident' }] },
  patientInstruction: 'take 4 tablets twice a day',
  _patientInstruction: { extension: [{ url: 'http://example.org/language', valueCode: 'en' }] },
  timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
  doseAndRate: [{ doseQuantity: { value: 4, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
  // An STU3 dose left beside R4 doseAndRate: it restates the dose being ordered.
  doseQuantity: { value: 4, unit: 'tablet' },
};

describe('what a reader does not read never reaches the record', () => {
  it('reads a draft Dosage without its STU3 dose left beside doseAndRate, `_text`, `_patientInstruction`, id or extension', () => {
    expect(readDosage(DOSAGE_WITH_LEFTOVERS)).toEqual({
      text: '4 tablets twice daily',
      patientInstruction: 'take 4 tablets twice a day',
      timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: 4, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
    });
  });

  it('reads a Coding, a Quantity and a Reference without their extensions', () => {
    const extension = [{ url: 'http://example.org/x', valueString: 'y' }];
    expect(readCoding({ system: 'http://loinc.org', code: '77348-1', extension })).not.toHaveProperty(
      'extension',
    );
    expect(readQuantity({ value: 2, unit: 'mg', extension, id: 'q' })).toEqual({ value: 2, unit: 'mg' });
    expect(readReference({ reference: 'Patient/pt', _reference: { extension } })).toEqual({
      reference: 'Patient/pt',
    });
  });
});
