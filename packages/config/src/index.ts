export { configSchema, type Config, type ConfigInput } from './schema.js';
export { loadConfig, loadConfigOrExit } from './load-config.js';
export { ConfigError, ConfigErrorCode, type ConfigIssue } from './errors.js';
export { describeSettings, renderConfigTable, type SettingDoc } from './config-table.js';
export { FORBIDDEN_CRAWL_HEADERS } from './crawl-headers.js';
export { parseAllowHost, formatAllowHost, type AllowHost, type AllowHostResult } from './allow-host.js';
export { ownPorts, type OwnPortsConfig } from './own-ports.js';
export { crawlUserAgent, KUMO_PRODUCT, type UserAgentConfig } from './user-agent.js';
