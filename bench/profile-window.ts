import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Preloaded into the service child by `npm run bench -- --profile`: the first SIGUSR2 starts the
 * V8 CPU profiler, the second stops it and writes BENCH_PROFILE_FILE. Unlike `--cpu-prof`, the
 * profile then covers the measured load only, not start-up (module loading, schema compiling,
 * the embedded database's initdb), which would otherwise dominate it.
 */
const file = process.env.BENCH_PROFILE_FILE;
if (file !== undefined) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
