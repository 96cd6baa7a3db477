import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LauncherErrorCode } from './errors.js';
import { choosePorts, portIsFree } from './ports.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Holds a port on 127.0.0.1 for the test, as another program would. */
async function occupy(): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('choosePorts', () => {
  it('keeps free ports as they are, and leaves a metrics port of 0 off', async () => {
    const [api, crawl] = [await occupy(), await occupy()];
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    const config = {
      API_HOST: '127.0.0.1',
      API_PORT: api,
      CRAWL_WORKER_METRICS_PORT: crawl,
      ANALYSIS_WORKER_METRICS_PORT: 0,
    };
    expect(await choosePorts(config, {})).toEqual({
      API_PORT: api,
      CRAWL_WORKER_METRICS_PORT: crawl,
      ANALYSIS_WORKER_METRICS_PORT: 0,
    });
  });

  it('moves a default port that is taken to a free one, so a second kumo starts beside the first', async () => {
    const [api, crawl, analysis] = [await occupy(), await occupy(), await occupy()];
    const config = {
      API_HOST: '127.0.0.1',
      API_PORT: api,
      CRAWL_WORKER_METRICS_PORT: crawl,
      ANALYSIS_WORKER_METRICS_PORT: analysis,
    };
    const chosen = await choosePorts(config, {});
    expect(chosen.API_PORT).not.toBe(api);
    expect(chosen.CRAWL_WORKER_METRICS_PORT).not.toBe(crawl);
    expect(chosen.ANALYSIS_WORKER_METRICS_PORT).not.toBe(analysis);
    for (const port of Object.values(chosen)) expect(await portIsFree('127.0.0.1', port)).toBe(true);
  });

  it('an API port of 0 becomes a free port the banner can show', async () => {
    const chosen = await choosePorts(
      { API_HOST: '127.0.0.1', API_PORT: 0, CRAWL_WORKER_METRICS_PORT: 0, ANALYSIS_WORKER_METRICS_PORT: 0 },
      { API_PORT: '0' },
    );
    expect(chosen.API_PORT).toBeGreaterThan(0);
  });

  it('refuses a port the operator chose when it is taken, naming the variable to change', async () => {
    const taken = await occupy();
    const config = {
      API_HOST: '127.0.0.1',
      API_PORT: 0,
      CRAWL_WORKER_METRICS_PORT: taken,
      ANALYSIS_WORKER_METRICS_PORT: 0,
    };
    const error = await choosePorts(config, { CRAWL_WORKER_METRICS_PORT: String(taken) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: LauncherErrorCode.PORT_IN_USE, setting: 'CRAWL_WORKER_METRICS_PORT' });
    expect((error as Error).message).toContain(`CRAWL_WORKER_METRICS_PORT=${taken}`);
  });
});
