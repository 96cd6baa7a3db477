// The hashes of the analyzer's open-addressing tables over typed arrays (`SpanCache`, `PhraseTable`, `StringSlots`):
// one way to hash characters and one way to mix keys, so that the tables probe alike.

/** A hash of `text[start, end)`, from `seed` (a class entry, a length): 31 × hash + each UTF-16 code unit. */
export function hashChars(seed: number, text: string, start: number, end: number): number {
  let hash = seed;
  for (let at = start; at < end; at++) hash = (Math.imul(hash, 31) + text.charCodeAt(at)) | 0;
  return hash;
}

/**
 * `hash` with `key` mixed in (a multiplicative mix: the low bits of `hashChars` and of small keys are poor). The hash
 * `PhraseTable` finds a compound by is `mixKey` of each of its keys in order, from 0; `StringSlots` starts probing at
 * `mixKey(hash, 0)`.
 */
export function mixKey(hash: number, key: number): number {
  const mixed = Math.imul(hash ^ key, 0x9e3779b1);
  return mixed ^ (mixed >>> 15);
}
