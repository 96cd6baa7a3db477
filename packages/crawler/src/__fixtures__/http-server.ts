import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP server on 127.0.0.1 with a random port, counting what reaches it. */
export interface TestServer {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests received so far (method and path). */
  requests: string[];
  /** Resolves when every socket accepted so far has closed. */
  socketsClosed(): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, server: TestServer) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const closedWaiters: (() => void)[] = [];
  const server = createServer();
  const state: TestServer = {
    server,
    port: 0,
    origin: '',
    connections: 0,
    requests: [],
    socketsClosed: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => closedWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) closedWaiters.splice(0).forEach((resolve) => resolve());
    });
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    state.requests.push(`${request.method ?? 'GET'} ${request.url ?? '/'}`);
    handler(request, response, state);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}

/** Replies with a fixed body and headers. */
export function reply(
  response: ServerResponse,
  status: number,
  body: string | Buffer = '',
  headers: Record<string, string | number> = {},
): void {
  response.writeHead(status, headers);
  response.end(body);
}
