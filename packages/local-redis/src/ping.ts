import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Sends one inline PING over a raw socket; resolves true on +PONG (or -NOAUTH: a server is there). */
export function pingOnce(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
  });
}

/** Waits until the server answers PING, backing off between attempts (no tight loop). */
export async function waitForPing(
  host: string,
  port: number,
  { timeoutMs = 10_000, isAlive = () => true }: { timeoutMs?: number; isAlive?: () => boolean } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  while (Date.now() < deadline) {
    if (!isAlive()) return false;
    if (await pingOnce(host, port)) return true;
    await sleep(pause);
    pause = Math.min(pause * 2, 250);
  }
  return false;
}
