import { launcherEnv } from './launcher-env.js';
import { runLauncher } from './launcher.js';
import { StopSignals } from './stop-signals.js';

// `npm start`. Signals are wired before anything starts, so Ctrl-C during start-up also cleans up.
const stops = new StopSignals();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stops.request(signal));

const code = await runLauncher({ env: launcherEnv(), stdout: process.stdout, stderr: process.stderr, stops });
// Everything was stopped and closed; exit now rather than wait for stray handles (e.g. pino's async flush timer).
process.stdout.write('', () => process.exit(code));
