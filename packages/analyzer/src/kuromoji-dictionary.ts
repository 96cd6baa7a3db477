import { CharacterCategories } from './character-categories.js';
import { readDictionaryFiles } from './dictionary-files.js';
import type { DictionaryFiles } from './dictionary-files.js';
import { DictionaryLayoutError } from './errors.js';
import { DoubleArrayTrie, WordEntries } from './word-dictionary.js';

/** kuromoji's IPADIC, as laid out in kuromoji 0.1.2's `dict/` files, in flat typed arrays. */
export class KuromojiDictionary {
  readonly trie: DoubleArrayTrie;
  readonly known: WordEntries;
  readonly unknown: WordEntries;
  readonly categories: CharacterCategories;
  /** `cc.dat`: forward and backward dimensions, then the int16 connection cost matrix (right id × left id). */
  readonly connectionCosts: Int16Array;

  constructor(files: DictionaryFiles) {
    const cc = new Int16Array(files.cc.buffer, files.cc.byteOffset, files.cc.byteLength >> 1);
    const forward = cc[0] as number;
    const backward = cc[1] as number;
    if (forward <= 0 || backward <= 0 || cc.length !== forward * backward + 2) {
      throw new DictionaryLayoutError('cc.dat.gz', `dimensions ${forward} × ${backward} do not fit ${cc.length} costs`);
    }
    this.connectionCosts = cc;
    this.trie = new DoubleArrayTrie(files.base, files.check);
    this.known = new WordEntries('tid_map.dat.gz', files.tid, files.tidPos, files.tidMap);
    this.unknown = new WordEntries('unk_map.dat.gz', files.unk, files.unkPos, files.unkMap);
    this.categories = new CharacterCategories(files.unkInvoke, files.unkChar);
    checkIds('tid.dat.gz', this.known, forward, backward);
    checkIds('unk.dat.gz', this.unknown, forward, backward);
    if (this.unknown.targetStart.length <= this.categories.names.length) {
      throw new DictionaryLayoutError('unk_map.dat.gz', 'some character category has no unknown-word entry');
    }
  }
}

/**
 * Reads kuromoji's dictionary from `dicPath` (~0.5 s). Rejects with `DictionaryError` when a file is missing or
 * unreadable and with `DictionaryLayoutError` when a file does not have kuromoji 0.1.2's layout.
 */
export async function loadKuromojiDictionary(dicPath: string): Promise<KuromojiDictionary> {
  return new KuromojiDictionary(await readDictionaryFiles(dicPath));
}

/** Every left id must index a column and every right id a row of the connection costs. */
function checkIds(file: string, entries: WordEntries, forward: number, backward: number): void {
  const costs = entries.costs;
  for (let at = 0; at < costs.length; at += 3) {
    const left = costs[at] as number;
    const right = costs[at + 1] as number;
    if (left < 0 || left >= backward || right < 0 || right >= forward) {
      throw new DictionaryLayoutError(file, `entry ${at / 3} has ids ${left}/${right} outside the cost matrix`);
    }
  }
}
