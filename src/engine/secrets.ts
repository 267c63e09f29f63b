import { createHash } from "node:crypto";

/** A short, stable, one-way name for a secret: enough to tell two tokens apart, nothing more. */
export function fingerprint(secret: string): string {
  return `fp:${createHash("sha256").update(secret).digest("hex").slice(0, 8)}`;
}

/**
 * Every secret a check touches is registered here; the report layer replaces any occurrence
 * of one, anywhere in any string, by its fingerprint. Checks still avoid putting secrets in
 * results, this is the net under them.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();

  add(value: string | undefined | null): void {
    // Very short values would redact ordinary words; real tokens and keys are long.
    if (typeof value === "string" && value.length >= 8) this.#values.add(value);
  }

  values(): string[] {
    // Longest first, so a secret that contains another is replaced whole.
    return [...this.#values].sort((a, b) => b.length - a.length);
  }
}
