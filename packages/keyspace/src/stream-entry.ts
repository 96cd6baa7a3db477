/** One stream entry: its id and its fields (field order as written; a repeated field keeps the last value). */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** The new entries of one stream returned by a blocking read. */
export interface StreamBatch {
  readonly key: string;
  readonly entries: StreamEntry[];
}

type RawEntry = [id: string, fields: string[] | null];

/** Converts XRANGE's `[id, [f, v, …]]` reply entries. */
export function toEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return (raw as RawEntry[]).map(([id, flat]) => {
    const fields: Record<string, string> = {};
    const list = flat ?? [];
    for (let index = 0; index + 1 < list.length; index += 2) fields[list[index]!] = list[index + 1]!;
    return { id, fields };
  });
}

/** Converts XREAD's `[[key, entries], …]` reply (null on timeout). */
export function toBatches(raw: unknown): StreamBatch[] {
  if (!Array.isArray(raw)) return [];
  return (raw as [string, unknown][]).map(([key, entries]) => ({ key, entries: toEntries(entries) }));
}

const STREAM_ID = /^\d+-\d+$/;

/** True for a complete stream id (`<ms>-<seq>`). */
export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}
