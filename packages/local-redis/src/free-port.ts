import net from 'node:net';
import { NoFreePortError } from './errors.js';

/** Asks the kernel for a free TCP port on the host. Another process may still take it first: callers retry. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new NoFreePortError('no port assigned'));
      });
    });
  });
}
