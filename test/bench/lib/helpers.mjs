// The shared test helpers are TypeScript (test/helpers/*.ts); the bench is plain ESM run by `node`, so it loads them
// through tsx's scoped importer rather than keeping a second copy that could drift.
import { tsImport } from 'tsx/esm/api';

const processes = await tsImport('../../helpers/processes.ts', import.meta.url);
const env = await tsImport('../../helpers/env.ts', import.meta.url);

/** @type {typeof import('../../helpers/processes.ts').startApp} */
export const startApp = processes.startApp;
/** @type {typeof import('../../helpers/processes.ts').childPidsOf} */
export const childPidsOf = processes.childPidsOf;
/** @type {typeof import('../../helpers/processes.ts').cpuTicks} */
export const cpuTicks = processes.cpuTicks;
/** @type {string} */
export const repoRoot = processes.repoRoot;
/** @type {typeof import('../../helpers/env.ts').testEnv} */
export const testEnv = env.testEnv;
/** @type {typeof import('../../helpers/env.ts').uniquePrefix} */
export const uniquePrefix = env.uniquePrefix;
