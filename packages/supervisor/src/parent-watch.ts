/**
 * When this process was started with an IPC channel (the launcher spawns every app with one), calls `onGone` once
 * the channel closes: the parent exited, however it died (SIGKILL included). Apps run in process groups of their
 * own, so nothing else would stop them. The channel is unref'd: it never keeps the process alive by itself.
 * Returns a function that stops watching. Without a channel (systemd, a container, a terminal) it does nothing.
 */
export function watchParent(onGone: () => void): () => void {
  // `process.send` stays defined once an IPC channel is gone; the channel itself becomes null.
  if (typeof process.send !== 'function') return () => undefined;
  process.channel?.unref();
  let watching = true;
  const listener = () => {
    if (watching) onGone();
  };
  // The parent may have died before this process got here (during a slow start-up check): 'disconnect' has then
  // fired already and would never come again.
  if (!process.connected) queueMicrotask(listener);
  else process.once('disconnect', listener);
  return () => {
    watching = false;
    process.off('disconnect', listener);
  };
}
