import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * Subscribes to a `node:diagnostics_channel` channel that a pure package publishes on (kumo:crawler:fetch …)
 * and returns the function that unsubscribes. This is how observability stays at the edges.
 */
export function onDiagnostics<T>(channel: string, handler: (message: T) => void): () => void {
  const listener = (message: unknown) => handler(message as T);
  diagnosticsChannel.subscribe(channel, listener);
  return () => diagnosticsChannel.unsubscribe(channel, listener);
}
