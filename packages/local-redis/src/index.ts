export {
  startEmbeddedRedis,
  findRedisServer,
  DEFAULT_REDIS_CONF,
  type RedisHandle,
  type EmbeddedRedisOptions,
} from './embedded-redis.js';
export {
  startRedisCluster,
  parseClusterNodes,
  type RedisClusterOptions,
  type RedisClusterHandle,
  type ClusterNodeInfo,
} from './redis-cluster.js';
export { provisionRedis, type ProvisionOptions } from './provision.js';
export { waitForPing, pingOnce } from './ping.js';
export { freePort } from './free-port.js';
export {
  RedisUnavailableError,
  RedisStartError,
  LocalRedisOptionError,
  NoFreePortError,
  LocalRedisErrorCode,
} from './errors.js';
export { writePrivateFile, readPrivateFile, PRIVATE_MODE } from './private-file.js';
export {
  writeLocalRuntime,
  readLocalRuntime,
  removeLocalRuntime,
  runtimeFile,
  type LocalRuntime,
} from './runtime-file.js';
export { isProcessAlive } from './process-alive.js';
