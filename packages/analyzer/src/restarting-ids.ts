// Ids handed out from 1 up to a limit, then from 1 again: the accumulators' stamps and the unknown words' ids. A
// table that remembers something by such an id must forget it when they start again, or a new id would be taken
// for an old one (`onRestart`).

/** Int32Array slots hold the ids: 2^31 − 1 is the last. */
const MAX_ID = 0x7fffffff;

export class RestartingIds {
  #last = 0;
  readonly #max: number;
  readonly #forgetters: Array<() => void> = [];

  /** `max`: the last id before they start again (tests use a small one). */
  constructor(max: number = MAX_ID) {
    this.#max = max;
  }

  /** Registers `forget`, called before the first id of each new round. */
  onRestart(forget: () => void): void {
    this.#forgetters.push(forget);
  }

  next(): number {
    if (this.#last === this.#max) {
      for (const forget of this.#forgetters) forget();
      this.#last = 0;
    }
    return ++this.#last;
  }
}
