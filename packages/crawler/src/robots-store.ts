/**
 * Where robots.txt bodies are shared between processes. The crawl worker backs it with Redis
 * (`cache:robots:<origin>`, with a TTL); an empty string means "allow everything" (robots.txt answered 4xx).
 */
export interface RobotsStore {
  /** The stored robots.txt of an origin (`https://example.com`), or null when none is stored. */
  get(origin: string): Promise<string | null>;
  set(origin: string, body: string): Promise<void>;
}

/** An in-memory {@link RobotsStore} for tests and tools (no expiry, no bound: keep it short-lived). */
export class MemoryRobotsStore implements RobotsStore {
  readonly #bodies = new Map<string, string>();

  async get(origin: string): Promise<string | null> {
    return this.#bodies.get(origin) ?? null;
  }

  async set(origin: string, body: string): Promise<void> {
    this.#bodies.set(origin, body);
  }
}
