import { launcherEnv } from './launcher-env.js';
import { runLauncher } from './launcher.js';
import { StopSignals } from './stop-signals.js';

// `npm start`. Signals are wired before anything starts, so Ctrl-C during start-up also cleans up.
const stops = new StopSignals();
// `npm start` execs this process, so npm forwards SIGINT/SIGTERM to it; a Ctrl-C in a terminal also reaches it
// directly (the whole foreground group gets it). The same signal twice within a second is that one request, not
// the "second stop request" that kills the apps.
const lastSeen = new Map<NodeJS.Signals, number>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const now = Date.now();
    const previous = lastSeen.get(signal);
    lastSeen.set(signal, now);
    if (previous !== undefined && now - previous < 1000) return;
    stops.request(signal);
  });
}

const code = await runLauncher({ env: launcherEnv(), stdout: process.stdout, stderr: process.stderr, stops });
// Everything was stopped and closed; exit now rather than wait for stray handles (e.g. pino's async flush timer).
process.stdout.write('', () => process.exit(code));
