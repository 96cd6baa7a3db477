// Docker HEALTHCHECK of one kumo app (the image's APP): exit 0 when the app's own health endpoint answers 200.
// Node, not curl: the slim runtime image has no curl. The API answers /healthz on API_PORT; a worker supervisor
// answers /healthz on its metrics port (0 turns that server off, and then there is nothing to ask). The cli is a
// one-shot command with no server.
import http from 'node:http';

const TARGETS = {
  api: { variable: 'API_PORT', fallback: 3000 },
  'crawl-worker': { variable: 'CRAWL_WORKER_METRICS_PORT', fallback: 9101 },
  'analysis-worker': { variable: 'ANALYSIS_WORKER_METRICS_PORT', fallback: 9102 },
};

const target = TARGETS[process.env.APP ?? ''];
const port = target === undefined ? 0 : Number(process.env[target.variable] ?? target.fallback);
if (port === 0) process.exit(0);

const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 4000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
