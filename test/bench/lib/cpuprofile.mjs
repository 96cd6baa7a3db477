// Reads a V8 .cpuprofile (written by `node --cpu-prof`) and sums self time per function: the first thing to look at
// when a benchmark misses its target. Open the file in Chrome DevTools or speedscope for the full picture.
import { readFileSync } from 'node:fs';

/**
 * The functions with the most self time: `[{ name, where, ms, share }]`, where `where` is `file:line` (the last two
 * path segments). Idle and program time stay in the list, as `(idle)` and `(program)`.
 */
export function topFunctions(file, limit = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id).callFrame;
    const where = frame.url ? `${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}\u0000${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [name, where] = key.split('\u0000');
      return { name, where, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 };
    });
}

/** Where a script belongs: an npm package, a kumo package or app, Node's internals, or V8/native. */
function ownerOf(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [first, second] = url.slice(modules + 14).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const kumo = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (kumo) return `@kumo/${kumo[2]}`;
  return url.split('/').slice(-2).join('/');
}

/** Self time summed per owner (npm package, kumo package, Node internals, native), largest first. */
export function topOwners(file, limit = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOwner = new Map();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    const frame = nodes.get(id).callFrame;
    const owner =
      frame.functionName === '(idle)'
        ? '(idle)'
        : frame.functionName === '(garbage collector)'
          ? '(garbage collector)'
          : ownerOf(frame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    total += us;
  });
  return [...byOwner.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([owner, us]) => ({ owner, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
}
