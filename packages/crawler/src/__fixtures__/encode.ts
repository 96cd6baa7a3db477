import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';

/** Encodes test text. iconv-lite has no ISO-2022-JP encoder; encoding-japanese's converter (JIS) does that one. */
export function encode(text: string, encoding: string, bom = false): Buffer {
  const bytes =
    encoding === 'iso-2022-jp'
      ? Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE', type: 'array' }))
      : iconv.encode(text, encoding);
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
}
