import { formatFeedbackReportTable } from '../../src/store/feedback-report';

/** The report as a person reads it on a terminal. */
describe('feedback report table', () => {
  test('shows one line per rule, override reasons below, unattributed feedback last', () => {
    const table = formatFeedbackReportTable({
      generatedAt: '2026-11-22T02:09:00.000Z',
      rules: [
        {
          ruleCode: 'mycophenolate-dose-high',
          issued: 12,
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
        { ruleCode: 'tacrolimus-trough-low', issued: 4, accepted: 1, overridden: 0, overrideReasons: [] },
        {
          ruleCode: null,
          issued: 0,
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
        'rule                                issued  accepted  overridden',
        '----------------------------------  ------  --------  ----------',
        'mycophenolate-dose-high                 12         3           7',
        '    overridden: urn:ln-cds-hooks:override-reason|nephrology-target (Patient-specific target set by nephrology): 5',
        '    overridden: no reason given: 2',
        'tacrolimus-trough-low                    4         1           0',
        '(cards not issued by this service)       0         0           1',
        '    overridden: http://example.org/override|not-relevant: 1',
        '',
      ].join('\n'),
    );
  });

  test('says so when there is nothing to report yet', () => {
    expect(formatFeedbackReportTable({ generatedAt: '2026-11-22T02:09:00.000Z', rules: [] })).toBe(
      'Feedback report (2026-11-22T02:09:00.000Z)\n\nrule  issued  accepted  overridden\n----  ------  --------  ----------\nno cards issued and no feedback yet\n',
    );
  });
});
