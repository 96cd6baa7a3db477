// Kana as katakana without wanakana's general conversion (romaji, mixed text, options): readings of compound nouns
// join their parts' kana once per top phrase of every page.

/**
 * `surface` in katakana if it is all kana (hiragana U+3041–3096 shifted to katakana, katakana and ー kept, as
 * wanakana's `toKatakana` does for such text), else ''.
 */
export function katakanaOf(surface: string): string {
  let hiragana = false;
  for (let at = 0; at < surface.length; at++) {
    const code = surface.charCodeAt(at);
    if (code >= 0x3041 && code <= 0x3096) hiragana = true;
    else if (code < 0x30a1 || code > 0x30fc) return '';
  }
  if (!hiragana) return surface;
  let katakana = '';
  for (let at = 0; at < surface.length; at++) {
    const code = surface.charCodeAt(at);
    katakana += String.fromCharCode(code <= 0x3096 ? code + 0x60 : code);
  }
  return katakana;
}
