import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@kumo/local-redis';
import { testEnv, uniquePrefix } from '../../helpers/env.js';
import { childPidsOf, startApp, type AppName, type AppProcess } from '../../helpers/processes.js';

/** The three long-running apps of a kumo deployment. */
export type ServiceName = Extract<AppName, 'api' | 'crawl-worker' | 'analysis-worker'>;
export const SERVICES: readonly ServiceName[] = ['api', 'crawl-worker', 'analysis-worker'];

export interface SystemOptions {
  redisUrl: string;
  /** Key prefix. Default: a new unique one. */
  prefix?: string;
  /** Which apps to start. Default: all three. */
  services?: readonly ServiceName[];
  /** Environment on top of `testEnv` and the credentials. */
  overrides?: Record<string, string>;
}

/**
 * kumo as real processes (each app a supervisor with its children, as in production) on a Redis of the test's
 * own, with secrets unique to this run so that a test can grep every log line ever written for them. Apps can be
 * killed, stopped and started again; every process ever started stays in `history` for the log greps.
 */
export class KumoSystem {
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly url: string;
  /** Two API keys, so ownership can be checked; both unique to this run. */
  readonly keys: readonly [string, string];
  readonly board: { readonly user: string; readonly password: string };
  /** Every app process started so far, in start order. */
  readonly history: AppProcess[] = [];
  readonly #running = new Map<ServiceName, AppProcess>();

  private constructor(options: SystemOptions, port: number) {
    this.prefix = options.prefix ?? uniquePrefix('res');
    this.keys = [`kumo_res_a_${randomBytes(12).toString('hex')}`, `kumo_res_b_${randomBytes(12).toString('hex')}`];
    this.board = { user: 'board-admin', password: `board_pw_${randomBytes(12).toString('hex')}` };
    this.url = `http://127.0.0.1:${port}`;
    this.env = testEnv({
      redisUrl: options.redisUrl,
      prefix: this.prefix,
      overrides: {
        API_PORT: String(port),
        API_KEYS: this.keys.join(','),
        BOARD_USER: this.board.user,
        BOARD_PASSWORD: this.board.password,
        API_RATE_LIMIT_PER_MINUTE: '1000000',
        // The auth probes send dozens of wrong board passwords on purpose: they test the 401, not the throttle.
        BOARD_LOGIN_FAILURES_PER_MINUTE: '1000000',
        SSE_HEARTBEAT_MS: '5000',
        ...options.overrides,
      },
    });
  }

  /** Starts the apps and waits until every process of each logs `ready`. */
  static async start(options: SystemOptions): Promise<KumoSystem> {
    const system = new KumoSystem(options, await freePort());
    try {
      await Promise.all((options.services ?? SERVICES).map((name) => system.startService(name)));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  /** The running process of an app; throws when it is not running. */
  service(name: ServiceName): AppProcess {
    const app = this.#running.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return app;
  }

  /** Processes per app (the API counts API_PROCESSES, the workers WORKER_PROCESSES). */
  processesOf(name: ServiceName): number {
    return Number(name === 'api' ? this.env.API_PROCESSES : this.env.WORKER_PROCESSES);
  }

  /** Starts an app (again) and waits for all its children to be ready. */
  async startService(name: ServiceName, timeoutMs = 120_000): Promise<AppProcess> {
    if (this.#running.has(name)) throw new Error(`${name} is already running`);
    const app = startApp(name, this.env);
    this.history.push(app);
    this.#running.set(name, app);
    await app.waitReady(this.processesOf(name), timeoutMs);
    return app;
  }

  /**
   * SIGKILL of one child of an app's supervisor (the supervisor forks a new one). Resolves with the killed pid once
   * the replacement has logged `ready`.
   */
  async killChild(name: ServiceName, timeoutMs = 120_000): Promise<number> {
    const app = this.service(name);
    const readyBefore = app.lines.filter((line) => line.msg === 'ready').length;
    const [pid] = app.childPids();
    if (pid === undefined) throw new Error(`${name} has no child process`);
    process.kill(pid, 'SIGKILL');
    await app.waitForLog((line) => line.msg === 'ready', { count: readyBefore + 1, timeoutMs });
    return pid;
  }

  /**
   * SIGKILL of a whole app: the supervisor and every child in the same instant, as when a container or VM dies.
   * Resolves once the supervisor is gone and no child is left.
   */
  async killService(name: ServiceName): Promise<number[]> {
    const app = this.service(name);
    const supervisor = app.child.pid ?? -1;
    const pids = [...childPidsOf(supervisor), supervisor];
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await app.exited;
    this.#running.delete(name);
    for (let round = 0; round < 100 && pids.some(isAlive); round++) await sleep(50);
    const survivors = pids.filter(isAlive);
    if (survivors.length > 0) throw new Error(`processes of ${name} survived SIGKILL: ${survivors.join(', ')}`);
    return pids;
  }

  /** Stops an app with a signal (SIGTERM: graceful) and resolves with its exit. */
  async stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM') {
    const app = this.service(name);
    const exit = await app.stop(signal, 30_000);
    this.#running.delete(name);
    return exit;
  }

  /** `fetch` against the API with `Authorization: Bearer <key>` (the first key unless `key` is given; null: none). */
  request(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
    const { key = this.keys[0], headers, ...rest } = init;
    const merged = new Headers(headers);
    if (key !== null && !merged.has('authorization')) merged.set('authorization', `Bearer ${key}`);
    return fetch(`${this.url}${path}`, { ...rest, headers: merged });
  }

  /** Every log line of every process ever started, as text. */
  get output(): string {
    return this.history.map((app) => app.output).join('\n');
  }

  /** Log lines of every process ever started that match. */
  linesMatching(match: (line: Record<string, unknown>) => boolean): Record<string, unknown>[] {
    return this.history.flatMap((app) => app.lines.filter(match));
  }

  /** SIGTERM to every running app (SIGKILL after 30 s). */
  async stop(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((name) => this.stopService(name)));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
