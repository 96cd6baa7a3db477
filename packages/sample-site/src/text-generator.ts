import type { Prng } from './prng.js';
import { CONNECTORS, FEELINGS, GENERIC_VERBS, PEOPLE, TIMES, type Theme, type Verb } from './vocabulary.js';

/**
 * Builds Japanese sentences from the vocabulary: a page has a primary theme (most nouns) and a secondary one,
 * so a page's keywords differ from its neighbours' the way real articles do, and TF-IDF has something to find.
 */
export class TextGenerator {
  constructor(
    private readonly rng: Prng,
    private readonly primary: Theme,
    private readonly secondary: Theme,
  ) {}

  noun(): string {
    return this.rng.pick(this.themeFor().nouns);
  }

  /** Two different nouns (of the same theme, so the pair reads naturally). */
  private nounPair(): [string, string] {
    const nouns = this.themeFor().nouns;
    const first = this.rng.pick(nouns);
    let second = this.rng.pick(nouns);
    if (second === first) second = nouns[(nouns.indexOf(first) + 1) % nouns.length] as string;
    return [first, second];
  }

  private themeFor(): Theme {
    return this.rng.chance(0.8) ? this.primary : this.secondary;
  }

  private adjective(): string {
    return this.rng.pick(this.primary.adjectives);
  }

  private naAdjective(): string {
    return this.rng.pick(this.primary.naAdjectives);
  }

  private verb(): Verb {
    return this.rng.chance(0.7) ? this.rng.pick(this.primary.verbs) : this.rng.pick(GENERIC_VERBS);
  }

  sentence(): string {
    const r = this.rng;
    const [n1, n2] = this.nounPair();
    const [stem, te] = this.verb();
    const templates: Array<() => string> = [
      () => `${n1}は${this.adjective()}です。`,
      () => `${r.pick(TIMES)}、${r.pick(PEOPLE)}は${n1}を${stem}ました。`,
      () => `${n1}と${n2}を${stem}ました。`,
      () => `${n1}の${n2}は${this.adjective()}と言われています。`,
      () => `${r.pick(TIMES)}は${n1}を${stem}たいと思います。`,
      () => `${n1}を${te}から、${n2}について考えました。`,
      () => `${r.pick(PEOPLE)}が${n1}を${te}います。`,
      () => `${n1}は${this.naAdjective()}で、${n2}も${this.adjective()}です。`,
      () => `${n1}に関する${n2}の話題が増えています。`,
      () => `${n1}は${this.naAdjective()}な${n2}として知られています。`,
      () => `${n1}を${te}みると、${r.pick(FEELINGS)}。`,
      () => `「${n1}」という言葉をよく耳にします。`,
      () => `${n1}や${n2}、${this.noun()}など、${this.adjective()}ものがたくさんあります。`,
      () => `${n1}について${stem}ましたが、${r.pick(FEELINGS)}。`,
      () => `${r.int(1990, 2025)}年に${n1}を${stem}ました。`,
      () => `${n1}の${n2}を${te}おくと${this.naAdjective()}です。`,
      () => `${r.pick(PEOPLE)}と一緒に${n1}を${stem}ませんでした。`,
      () => `${n1}の${r.int(2, 12)}月の${n2}はどうでしょうか。`,
    ];
    const body = r.pick(templates)();
    // A connective now and then makes paragraphs read as prose rather than a list of facts.
    return r.chance(0.2) ? `${r.pick(CONNECTORS)}、${body}` : body;
  }

  paragraph(sentences = this.rng.int(3, 6)): string {
    let text = '';
    for (let i = 0; i < sentences; i++) text += this.sentence();
    return text;
  }

  heading(): string {
    const [n1, n2] = this.nounPair();
    return this.rng.pick([`${n1}と${n2}`, `${n1}について`, `${n1}の${n2}`, `${this.adjective()}${n1}`]);
  }

  title(number: number): string {
    const [n1, n2] = this.nounPair();
    const [, te] = this.verb();
    const topic = this.rng.pick([`${n1}と${n2}`, `${n1}を${te}みた`, `${this.adjective()}${n1}`, `${n1}の${n2}`]);
    return `${this.primary.name}ノート${number}：${topic}`;
  }

  /** A short list of nouns for a `<ul>`. */
  nounList(count: number): string[] {
    const seen = new Set<string>();
    for (let i = 0; i < count * 3 && seen.size < count; i++) seen.add(this.noun());
    return [...seen];
  }
}
