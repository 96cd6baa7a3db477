import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { RedisUnavailableError } from './errors.js';
import { DEFAULT_REDIS_CONF, type RedisHandle, findRedisServer, startEmbeddedRedis } from './embedded-redis.js';
import { waitForPing } from './ping.js';

export interface ProvisionOptions {
  /** Use this Redis as it is (REDIS_URL). */
  redisUrl?: string | undefined;
  /** Data directory for an embedded server. */
  dataDir: string;
  /** Install redis-server with apt-get when missing and running as root on Debian/Ubuntu. Default true. */
  allowAptInstall?: boolean;
  /** Try `docker compose up redis` when no redis-server is on PATH. Default true. */
  allowDocker?: boolean;
  /** Progress messages ("installing redis-server…"). */
  onProgress?: (message: string) => void;
}

const composeFile = path.resolve(path.dirname(DEFAULT_REDIS_CONF), '../docker-compose.yml');

/**
 * Finds a Redis for kumo, in this order: `REDIS_URL`; an embedded `redis-server` from PATH (installed with apt
 * first when that is possible); the Redis service of infra/docker-compose.yml when a Docker engine answers;
 * otherwise an error naming the three ways to get one.
 */
export async function provisionRedis(options: ProvisionOptions): Promise<RedisHandle> {
  if (options.redisUrl) {
    const url = new URL(options.redisUrl);
    return {
      url: options.redisUrl,
      host: url.hostname,
      port: Number(url.port || 6379),
      source: 'url',
      async stop() {},
    };
  }
  if (!findRedisServer() && options.allowAptInstall !== false && canAptInstall()) {
    options.onProgress?.('redis-server not found: installing it with apt-get (Debian package redis-server)…');
    aptInstallRedis();
  }
  if (findRedisServer()) return startEmbeddedRedis({ dir: options.dataDir });
  if (options.allowDocker !== false && dockerAnswers()) {
    options.onProgress?.('redis-server not found: starting the redis service of infra/docker-compose.yml…');
    const up = spawnSync('docker', ['compose', '-f', composeFile, 'up', '-d', '--wait', 'redis'], { stdio: 'inherit' });
    if (up.status === 0 && (await waitForPing('127.0.0.1', 6379))) {
      return {
        url: 'redis://127.0.0.1:6379',
        host: '127.0.0.1',
        port: 6379,
        source: 'docker',
        async stop() {
          spawnSync('docker', ['compose', '-f', composeFile, 'stop', 'redis'], { stdio: 'ignore' });
        },
      };
    }
  }
  throw new RedisUnavailableError(
    'kumo needs Redis 6.2 or later. Either set REDIS_URL=redis://host:port, ' +
      'or install redis-server (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) ' +
      'so kumo can start an embedded one, or start a Docker engine so kumo can run `docker compose -f infra/docker-compose.yml up -d redis`.',
  );
}

function canAptInstall(): boolean {
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

function aptInstallRedis(): void {
  spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server'], {
    stdio: 'inherit',
  });
}

function dockerAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}
