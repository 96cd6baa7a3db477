// A server-sent-events client over node:http that stamps every event with its arrival time (epoch ms, sub-ms
// precision), cheap enough to run a thousand at once. No reconnection: a benchmark wants to see a dropped stream.
import http from 'node:http';

/** Now as epoch milliseconds with sub-millisecond precision (comparable with Redis stream ids, also epoch ms). */
export const nowMs = () => performance.timeOrigin + performance.now();

/**
 * Opens `GET url` as an event stream. `onOpen({ status, at })` runs when the response headers arrive;
 * `onEvent({ id, type, data, at })` runs for each event as it arrives (`data` is the raw string: parsing is the
 * caller's choice). Resolves `ended` with `{ status, events, reason }` when the server
 * ends the stream, the connection fails, or `close()` is called.
 */
export function openEventStream(
  url,
  { key, agent, onEvent = () => undefined, onOpen = () => undefined, lastEventId } = {},
) {
  let events = 0;
  let status = 0;
  let settle;
  const ended = new Promise((resolve) => (settle = resolve));
  let finished = false;
  const finish = (reason) => {
    if (finished) return;
    finished = true;
    settle({ status, events, reason });
  };
  const headers = { accept: 'text/event-stream', authorization: `Bearer ${key}` };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const req = http.get(url, { headers, ...(agent ? { agent } : {}) }, (res) => {
    status = res.statusCode ?? 0;
    onOpen({ status, at: nowMs() });
    res.setEncoding('utf8');
    let pending = '';
    let id;
    let type;
    let data = [];
    res.on('data', (chunk) => {
      const at = nowMs();
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) !== -1) {
        let line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line === '') {
          if (data.length > 0) {
            events += 1;
            onEvent({ id, type: type ?? 'message', data: data.join('\n'), at });
          }
          type = undefined;
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
      }
    });
    res.on('end', () => finish('end'));
    res.on('close', () => finish('close'));
    res.on('error', (error) => finish(`error: ${error.message}`));
  });
  req.on('error', (error) => finish(`error: ${error.message}`));
  return {
    ended,
    close() {
      req.destroy();
      finish('closed by client');
    },
  };
}
