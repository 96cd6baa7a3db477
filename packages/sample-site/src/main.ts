// Entry point for `node packages/sample-site/dist/main.js generate|serve …` (benchmarks run the server apart).
import { runSampleSiteCli } from './cli.js';
import { SampleSiteErrorCode } from './errors.js';

runSampleSiteCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error & { code?: string }) => {
    process.stderr.write(`${error.code ?? 'error'}: ${error.message}\n`);
    process.exitCode = error.code === SampleSiteErrorCode.CLI_USAGE ? 2 : 1;
  },
);
