import { existsSync } from 'node:fs';
import path from 'node:path';
import { findRedisServer } from '@kumo/local-redis';
import { repoRoot } from '../helpers/processes.js';

/**
 * The resilience suite runs the built apps (`apps/<app>/dist/main.js`) against a redis-server of each test file's
 * own (files kill and restart it), so it only checks that both are there and says how to get them if not.
 */
export function setup(): void {
  if (!findRedisServer()) {
    throw new Error('the resilience suite needs redis-server on PATH (Debian/Ubuntu: apt-get install -y redis-server)');
  }
  const missing = ['api', 'crawl-worker', 'analysis-worker']
    .map((app) => path.join(repoRoot, 'apps', app, 'dist', 'main.js'))
    .filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`build the apps first (npm run build): missing ${missing.join(', ')}`);
  }
}
