/** The launcher's stop requests (SIGINT/SIGTERM): the first one stops gracefully, the second one kills. */
export class StopSignals {
  #count = 0;
  readonly #listeners = new Set<(count: number, reason: string) => void>();
  readonly #first: Promise<string>;
  #resolveFirst: (reason: string) => void = () => {};

  constructor() {
    this.#first = new Promise((resolve) => (this.#resolveFirst = resolve));
  }

  /** Requests a stop; `reason` is logged (e.g. the signal's name). */
  request(reason: string): void {
    this.#count++;
    if (this.#count === 1) this.#resolveFirst(reason);
    for (const listener of this.#listeners) listener(this.#count, reason);
  }

  /** How many stops were requested so far. */
  get count(): number {
    return this.#count;
  }

  /** Resolves with the reason of the first stop request. */
  get first(): Promise<string> {
    return this.#first;
  }

  onRequest(listener: (count: number, reason: string) => void): void {
    this.#listeners.add(listener);
  }
}
