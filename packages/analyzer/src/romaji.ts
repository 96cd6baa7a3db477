// Modified (revised) Hepburn romanisation of katakana readings, for the report's `variations.forms.romaji`.
//
// wanakana's toRomaji spells the extended katakana of loanwords letter by letter (ファイル → fuairu, ティー → teii,
// ウィンドウ → uindou), so readings go through this table instead. It follows the Revised Hepburn charts (standard
// and extended katakana) of the Wikipedia article "Hepburn romanization", which reproduce ANSI Z39.11-1972 /
// BS 4812:1972 and Kenkyūsha's dictionary from its 3rd edition; choices kumo makes on top, for search terms typed on
// an ordinary keyboard:
// - no macrons: a long vowel written with ー repeats the vowel (サーバー → saabaa), a long vowel written with kana
//   keeps its kana (トウキョウ → toukyou, シュウセイ → shuusei);
// - ン is `n` everywhere (also before b, m, p: シンブン → shinbun, as revised Hepburn has it) and `n'` before a vowel
//   or y, so that カンイ (kan'i) and カニ (kani) stay apart, as the charts prescribe;
// - ッ doubles the next consonant, `t` before ch (マッチ → matchi); at the end of a word or before a vowel it is
//   dropped; ヲ is o, ヂ/ヅ are ji/zu, ヰ/ヱ are i/e.

/** Two-kana syllables (a kana followed by a small kana), checked before single kana. */
const DIGRAPHS: ReadonlyMap<string, string> = table(`
  キャ kya キュ kyu キョ kyo キェ kye
  シャ sha シュ shu ショ sho シェ she
  チャ cha チュ chu チョ cho チェ che
  ニャ nya ニュ nyu ニョ nyo ニェ nye
  ヒャ hya ヒュ hyu ヒョ hyo ヒェ hye
  ミャ mya ミュ myu ミョ myo ミェ mye
  リャ rya リュ ryu リョ ryo リェ rye
  ギャ gya ギュ gyu ギョ gyo ギェ gye
  ジャ ja ジュ ju ジョ jo ジェ je
  ヂャ ja ヂュ ju ヂョ jo ヂェ je
  ビャ bya ビュ byu ビョ byo ビェ bye
  ピャ pya ピュ pyu ピョ pyo ピェ pye
  イェ ye
  ウィ wi ウェ we ウォ wo ウァ wa
  ヴァ va ヴィ vi ヴェ ve ヴォ vo ヴュ vyu
  クァ kwa クィ kwi クェ kwe クォ kwo グァ gwa
  スィ si ズィ zi
  ティ ti トゥ tu テュ tyu ディ di ドゥ du デュ dyu
  ツァ tsa ツィ tsi ツェ tse ツォ tso
  ファ fa フィ fi フェ fe フォ fo フュ fyu
  ホゥ hu
`);

const SINGLES: ReadonlyMap<string, string> = table(`
  ア a イ i ウ u エ e オ o
  カ ka キ ki ク ku ケ ke コ ko
  サ sa シ shi ス su セ se ソ so
  タ ta チ chi ツ tsu テ te ト to
  ナ na ニ ni ヌ nu ネ ne ノ no
  ハ ha ヒ hi フ fu ヘ he ホ ho
  マ ma ミ mi ム mu メ me モ mo
  ヤ ya ユ yu ヨ yo
  ラ ra リ ri ル ru レ re ロ ro
  ワ wa ヰ i ヱ e ヲ o ン n
  ガ ga ギ gi グ gu ゲ ge ゴ go
  ザ za ジ ji ズ zu ゼ ze ゾ zo
  ダ da ヂ ji ヅ zu デ de ド do
  バ ba ビ bi ブ bu ベ be ボ bo
  パ pa ピ pi プ pu ペ pe ポ po
  ヴ vu
  ァ a ィ i ゥ u ェ e ォ o ャ ya ュ yu ョ yo ヮ wa ヵ ka ヶ ke
`);

/** `kana romaji kana romaji …` (whitespace-separated) as a map. */
function table(pairs: string): ReadonlyMap<string, string> {
  const words = pairs.split(/\s+/).filter((word) => word !== '');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < words.length; i += 2) map.set(words[i] as string, words[i + 1] as string);
  return map;
}

const SOKUON = 'ッ';
const LONG_VOWEL = 'ー';
const VOWELS = new Set(['a', 'i', 'u', 'e', 'o']);

/** Hiragana (ぁ–ゖ) to katakana: the same table then serves both. */
function toKatakanaOnly(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    out += code >= 0x3041 && code <= 0x3096 ? String.fromCodePoint(code + 0x60) : char;
  }
  return out;
}

/** One syllable at `at`: its romaji and how many characters it took, or undefined for a character outside the table. */
function syllableAt(text: string, at: number): [string, number] | undefined {
  const pair = DIGRAPHS.get(text.slice(at, at + 2));
  if (pair !== undefined) return [pair, 2];
  const single = SINGLES.get(text[at] as string);
  return single === undefined ? undefined : [single, 1];
}

/**
 * The modified Hepburn romaji of a kana reading (katakana or hiragana), lower case, without macrons. Characters that
 * are not kana (Latin letters, digits, kanji of an unread word) are kept as they are.
 */
export function toHepburn(reading: string): string {
  const text = toKatakanaOnly(reading.normalize('NFKC'));
  let out = '';
  let pendingSokuon = false;
  for (let at = 0; at < text.length;) {
    const char = text[at] as string;
    if (char === SOKUON) {
      pendingSokuon = true;
      at++;
      continue;
    }
    if (char === LONG_VOWEL) {
      const last = out.at(-1);
      if (last !== undefined && VOWELS.has(last)) out += last;
      at++;
      continue;
    }
    const syllable = syllableAt(text, at);
    if (syllable === undefined) {
      pendingSokuon = false;
      out += char;
      at++;
      continue;
    }
    let [romaji] = syllable;
    if (pendingSokuon) {
      pendingSokuon = false;
      const first = romaji[0] as string;
      if (!VOWELS.has(first) && first !== 'n') romaji = (romaji.startsWith('ch') ? 't' : first) + romaji;
    }
    // ン then a vowel or y: n' (カンイ kan'i, ホンヤ hon'ya), not the syllable ni or nya.
    if (out.endsWith('n') && text[at - 1] === 'ン' && (VOWELS.has(romaji[0] as string) || romaji[0] === 'y')) {
      out += "'";
    }
    out += romaji;
    at += syllable[1];
  }
  return out;
}
