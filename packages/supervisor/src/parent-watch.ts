/**
 * When this process was started with an IPC channel (the launcher spawns every app with one), calls `onGone` once
 * the channel closes: the parent exited, however it died (SIGKILL included). Apps run in process groups of their
 * own, so nothing else would stop them. The channel is unref'd: it never keeps the process alive by itself.
 * Returns a function that stops watching. Without a channel (systemd, a container, a terminal) it does nothing.
 */
export function watchParent(onGone: () => void): () => void {
  const channel = process.channel;
  if (!channel) return () => undefined;
  channel.unref();
  const listener = () => onGone();
  process.once('disconnect', listener);
  return () => process.off('disconnect', listener);
}
