import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DictionaryError, DictionaryLayoutError } from './errors.js';

const gunzipAsync = promisify(gunzip);

/**
 * The decompressed size of every file of kuromoji 0.1.2's `dict/`, by name: `tidPos` is `tid_pos.dat.gz` (see
 * `fileOf`). Its builder writes whole, unshrunk buffers, so the sizes are round numbers; the engine reads these
 * files' binary layout directly, so another size means another layout.
 */
export const KUROMOJI_DICTIONARY_BYTES = {
  base: 8_388_608,
  check: 8_388_608,
  tid: 10_485_760,
  tidPos: 41_943_040,
  tidMap: 4_194_304,
  cc: 3_463_716,
  unk: 10_485_760,
  unkPos: 10_485_760,
  unkMap: 1_048_576,
  unkChar: 65_536,
  unkCompat: 262_144,
  unkInvoke: 1_048_576,
} as const;

export type DictionaryFileName = keyof typeof KUROMOJI_DICTIONARY_BYTES;

/** zlib's smallest sensible output chunk (its default is 16 KB). */
const MIN_CHUNK_BYTES = 64 * 1024;

/** Every file of the dictionary, decompressed, each in its own 8-byte aligned buffer (typed views fit on it). */
export type DictionaryFiles = Readonly<Record<DictionaryFileName, Uint8Array>>;

/**
 * Reads and decompresses kuromoji's dictionary files from `dicPath`, checking each one's size. Rejects with
 * `DictionaryError` (`KUMO_ANALYZER_DICTIONARY`) when a file cannot be read or decompressed, and with
 * `DictionaryLayoutError` (`KUMO_ANALYZER_DICTIONARY_LAYOUT`) when its size is not kuromoji 0.1.2's.
 */
export async function readDictionaryFiles(dicPath: string): Promise<DictionaryFiles> {
  const names = Object.keys(KUROMOJI_DICTIONARY_BYTES) as DictionaryFileName[];
  const buffers = await Promise.all(names.map((name) => readOne(dicPath, name)));
  return Object.fromEntries(names.map((name, index) => [name, buffers[index]])) as DictionaryFiles;
}

async function readOne(dicPath: string, name: DictionaryFileName): Promise<Uint8Array> {
  const file = fileOf(name);
  const bytes = KUROMOJI_DICTIONARY_BYTES[name];
  let decompressed: Buffer;
  try {
    // One output chunk of the expected size: zlib's default 16 KB chunks, concatenated at the end, doubled the
    // memory and CPU of a load and left ~100 MB of garbage for the first GCs (peak RSS 221 vs 162 MB, 1.1 vs 0.7
    // CPU-s for the twelve files). A file that decompresses larger still does (in more chunks) and fails below.
    decompressed = await gunzipAsync(await readFile(path.join(dicPath, file)), {
      chunkSize: Math.max(bytes, MIN_CHUNK_BYTES),
    });
  } catch (error) {
    throw new DictionaryError(dicPath, error);
  }
  if (decompressed.byteLength !== bytes) {
    throw new DictionaryLayoutError(
      file,
      `${decompressed.byteLength} bytes decompressed where kuromoji 0.1.2's dictionary has ${bytes}`,
    );
  }
  // Typed views need alignment: a Buffer that shares a pool or sits at an odd offset is copied.
  if (decompressed.byteOffset === 0 && decompressed.buffer.byteLength === bytes) {
    return new Uint8Array(decompressed.buffer, 0, bytes);
  }
  const own = new Uint8Array(bytes);
  own.set(decompressed);
  return own;
}

/** The file a name stands for: `tidPos` → `tid_pos.dat.gz`. */
function fileOf(name: DictionaryFileName): string {
  return `${name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}.dat.gz`;
}
