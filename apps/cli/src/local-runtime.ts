import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@kumo/config';
import { readLocalRuntime, runtimeFile, type LocalRuntime } from '@kumo/local-redis';

/** The repository the CLI belongs to (this file is apps/cli/{src,dist}/local-runtime.*), where `.data` lives. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The Redis of the `npm start` running from this repository, for `keys audit` when neither REDIS_URL nor
 * REDIS_CLUSTER_NODES is set: the launcher writes it to `<KUMO_DATA_DIR>/runtime.json` (mode 0600) while it runs.
 * Undefined when Redis is configured or no launcher runs here.
 */
export function localRuntimeFor(config: Config): (LocalRuntime & { file: string }) | undefined {
  if (config.REDIS_URL !== undefined || (config.REDIS_CLUSTER_NODES?.length ?? 0) > 0) return undefined;
  const dataDir = path.resolve(repoRoot, config.KUMO_DATA_DIR);
  const runtime = readLocalRuntime(dataDir);
  return runtime && { ...runtime, file: runtimeFile(dataDir) };
}
