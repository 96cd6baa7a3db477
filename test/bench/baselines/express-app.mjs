// The baseline of `api`: a bare Express 5 app in its own process answering constant JSON bodies on the same routes
// as kumo's (JSON body parsing on, like kumo's), nothing else. Prints `{ "event": "listening", "url": … }`.
//
// Usage: node express-app.mjs '{"getBody":{…},"postBody":{…}}'
import express from 'express';

const options = JSON.parse(process.argv[2] ?? '{}');
const getBody = options.getBody ?? { ok: true };
const postBody = options.postBody ?? { ok: true };

const app = express();
app.use(express.json());
app.get('/v1/crawls/:id', (_req, res) => {
  res.json(getBody);
});
app.post('/v1/crawls', (_req, res) => {
  res
    .status(202)
    .location(postBody.links?.self ?? '/')
    .json(postBody);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
