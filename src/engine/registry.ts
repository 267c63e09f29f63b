import type { Check } from "./types.js";

const ID_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;

/**
 * An ordered set of checks. Built-in checks register through exactly this API, so a
 * third-party check is registered the same way. Registration order is report order.
 */
export class CheckRegistry<S = unknown> {
  readonly #checks = new Map<string, Check<S, any>>();

  register(check: Check<S, any>): this {
    if (!ID_PATTERN.test(check.id)) {
      throw new Error(`check id "${check.id}" must be dotted lower-case, e.g. "store.parse"`);
    }
    if (this.#checks.has(check.id)) throw new Error(`check "${check.id}" is registered twice`);
    for (const dep of check.dependsOn ?? []) {
      if (!this.#checks.has(dep)) {
        throw new Error(`check "${check.id}" depends on "${dep}", which must be registered before it`);
      }
    }
    this.#checks.set(check.id, check);
    return this;
  }

  get(id: string): Check<S, any> | undefined {
    return this.#checks.get(id);
  }

  has(id: string): boolean {
    return this.#checks.has(id);
  }

  list(): Check<S, any>[] {
    return [...this.#checks.values()];
  }
}
