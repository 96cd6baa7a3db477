import { DictionaryLayoutError } from './errors.js';

/**
 * kuromoji's character categories for unknown words (IPADIC's char.def: DEFAULT, SPACE, KANJI, SYMBOL, NUMERIC,
 * ALPHA, HIRAGANA, KATAKANA, …), read from `unk_invoke.dat` and `unk_char.dat` exactly as kuromoji reads them:
 * - a UTF-16 unit's category is `unk_char[unit]`; a surrogate pair is always DEFAULT (char.def cannot name it);
 * - `invoke`: unknown words are added at a position even when the dictionary has words there;
 * - `group`: the unknown word is the whole run of characters of the same category name (kuromoji ignores the
 *   category's length field).
 */
export class CharacterCategories {
  /** Category id of every UTF-16 unit (not used for surrogate pairs). */
  readonly ofUnit: Uint8Array;
  readonly invoke: Uint8Array;
  readonly group: Uint8Array;
  /** Categories compared by name in kuromoji: the id of the first category with the same name. */
  readonly nameId: Uint8Array;
  readonly names: readonly string[];
  readonly defaultId: number;

  constructor(invokeFile: Uint8Array, charFile: Uint8Array) {
    const names: string[] = [];
    const invoke: number[] = [];
    const group: number[] = [];
    // Records: invoke (1 byte), group (1 byte), length (int32), name (UTF-8, NUL-terminated); zeros after the last.
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let offset = 0;
    while (offset + 6 < invokeFile.length) {
      const nameStart = offset + 6;
      const nameEnd = invokeFile.indexOf(0, nameStart);
      if (nameEnd <= nameStart) break;
      invoke.push(invokeFile[offset] as number);
      group.push(invokeFile[offset + 1] as number);
      names.push(decoder.decode(invokeFile.subarray(nameStart, nameEnd)));
      offset = nameEnd + 1;
    }
    const defaultId = names.indexOf('DEFAULT');
    if (defaultId < 0 || names.length > 255) {
      throw new DictionaryLayoutError('unk_invoke.dat.gz', `no DEFAULT among ${names.length} character categories`);
    }
    for (const id of charFile) {
      if (id >= names.length) {
        throw new DictionaryLayoutError('unk_char.dat.gz', `category ${id} is not one of the ${names.length} defined`);
      }
    }
    this.ofUnit = charFile;
    this.invoke = Uint8Array.from(invoke);
    this.group = Uint8Array.from(group);
    this.nameId = Uint8Array.from(names, (name) => names.indexOf(name));
    this.names = names;
    this.defaultId = defaultId;
  }
}
