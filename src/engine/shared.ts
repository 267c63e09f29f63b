// What the runs of one doctor invocation share (`--all-profiles`): a result computed once per
// key (a network probe per endpoint, an inference probe per credential), and claims that a
// one-time action (a refresh of one single-use grant) may happen only once per invocation.
// Keys carry fingerprints only, never secrets.

export class SharedRun {
  private readonly results = new Map<string, Promise<unknown>>();
  private readonly claims = new Map<string, string>();

  /** The first caller computes; later callers with the same key get the same promise. */
  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.results.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      this.results.set(key, p);
    }
    return p;
  }

  /** Whether a computed result exists for the key (for "shared with …" notes). */
  has(key: string): boolean {
    return this.results.has(key);
  }

  /** Claims a one-time action for `by`; returns who claimed it first when it was already taken. */
  claim(key: string, by: string): string | undefined {
    const prior = this.claims.get(key);
    if (prior === undefined) this.claims.set(key, by);
    return prior;
  }
}
