// Labels seen on Japanese pages that the WHATWG Encoding Standard (and so TextDecoder) does not know, mapped to the
// encoding browsers actually use for them. `cp932` is the famous one: TextDecoder rejects it.
const EXTRA_LABELS: Record<string, string> = {
  cp932: 'shift_jis',
  'windows-932': 'shift_jis',
  'ibm-943': 'shift_jis',
  shiftjis: 'shift_jis',
  'x-shift-jis': 'shift_jis',
  'shift-jisx0213': 'shift_jis',
  shift_jisx0213: 'shift_jis',
  sjis_open: 'shift_jis',
  eucjp: 'euc-jp',
  euc_jp: 'euc-jp',
  'x-eucjp': 'euc-jp',
  ujis: 'euc-jp',
  'euc-jis-2004': 'euc-jp',
  'euc-jisx0213': 'euc-jp',
  'eucjp-ms': 'euc-jp',
  'eucjp-win': 'euc-jp',
  cp51932: 'euc-jp',
  jis: 'iso-2022-jp',
  iso2022jp: 'iso-2022-jp',
  'iso-2022-jp-1': 'iso-2022-jp',
  'iso-2022-jp-2': 'iso-2022-jp',
  'iso-2022-jp-3': 'iso-2022-jp',
  'iso-2022-jp-2004': 'iso-2022-jp',
  cp50220: 'iso-2022-jp',
  cp50221: 'iso-2022-jp',
  cp50222: 'iso-2022-jp',
  utf8: 'utf-8',
  'utf-8n': 'utf-8',
};

const cache = new Map<string, string | null>();

/**
 * The WHATWG name (`shift_jis`, `euc-jp`, `utf-8`, `windows-1252`…) of an encoding label, or `undefined` when no
 * decoder exists for it (unknown labels, and the `replacement` encoding TextDecoder refuses).
 */
export function canonicalEncoding(label: string): string | undefined {
  const key = label.trim().toLowerCase();
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let result: string | null = null;
  try {
    result = new TextDecoder(EXTRA_LABELS[key] ?? key).encoding;
  } catch {
    result = null;
  }
  // Bounded: labels come from the network.
  if (cache.size < 512) cache.set(key, result);
  return result ?? undefined;
}
