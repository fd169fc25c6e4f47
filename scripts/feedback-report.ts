/**
 * `npm run feedback-report` (development, through tsx). The command lives in
 * src/cli/feedback-report.ts so that it is also compiled into the container image
 * (`node dist/cli/feedback-report.js`).
 */
import { runFeedbackReport } from '../src/cli/feedback-report';

runFeedbackReport(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  fetch,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`feedback-report: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
