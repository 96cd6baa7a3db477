/**
 * The launcher's environment. The launcher is the one app that builds other processes' environments (like the test
 * harness), so it needs the whole environment (PATH, HOME, every kumo variable), not only the parsed config.
 */
export function launcherEnv(): Record<string, string | undefined> {
  // eslint-disable-next-line no-restricted-properties -- the launcher passes the environment on to the apps it spawns; settings themselves are read with loadConfig.
  return process.env;
}
