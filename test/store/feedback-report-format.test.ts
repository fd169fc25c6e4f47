import { formatFeedbackReportTable } from '../../src/store/feedback-report';

/** The report as a person reads it on a terminal. */
describe('feedback report table', () => {
  test('shows one line per rule with shadow findings and the override rate, override reasons below, unattributed feedback last', () => {
    const table = formatFeedbackReportTable({
      generatedAt: '2026-11-22T02:09:00.000Z',
      rules: [
        {
          ruleCode: 'mycophenolate-dose-high',
          issued: 12,
          shadow: 0,
          accepted: 3,
          overridden: 7,
          overrideReasons: [
            {
              system: 'urn:ln-cds-hooks:override-reason',
              code: 'nephrology-target',
              display: 'Patient-specific target set by nephrology',
              cards: 5,
            },
            { system: null, code: null, display: null, cards: 2 },
          ],
        },
        { ruleCode: 'tacrolimus-trough-low', issued: 4, shadow: 0, accepted: 1, overridden: 0, overrideReasons: [] },
        { ruleCode: 'hydroxychloroquine-not-prescribed', issued: 0, shadow: 9, accepted: 0, overridden: 0, overrideReasons: [] },
        {
          ruleCode: null,
          issued: 0,
          shadow: 0,
          accepted: 0,
          overridden: 1,
          overrideReasons: [
            { system: 'http://example.org/override', code: 'not-relevant', display: null, cards: 1 },
          ],
        },
      ],
    });
    expect(table).toBe(
      [
        'Feedback report (2026-11-22T02:09:00.000Z)',
        '',
        'rule                                issued  shadow  accepted  overridden  override rate',
        '----------------------------------  ------  ------  --------  ----------  -------------',
        'mycophenolate-dose-high                 12       0         3           7         58.3 %',
        '    overridden: urn:ln-cds-hooks:override-reason|nephrology-target (Patient-specific target set by nephrology): 5',
        '    overridden: no reason given: 2',
        'tacrolimus-trough-low                    4       0         1           0          0.0 %',
        'hydroxychloroquine-not-prescribed        0       9         0           0              -',
        '(cards not issued by this service)       0       0         0           1              -',
        '    overridden: http://example.org/override|not-relevant: 1',
        '',
      ].join('\n'),
    );
  });

  test('says so when there is nothing to report yet', () => {
    expect(formatFeedbackReportTable({ generatedAt: '2026-11-22T02:09:00.000Z', rules: [] })).toBe(
      'Feedback report (2026-11-22T02:09:00.000Z)\n\nrule  issued  shadow  accepted  overridden  override rate\n----  ------  ------  --------  ----------  -------------\nno cards issued and no feedback yet\n',
    );
  });
});
