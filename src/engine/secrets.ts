/** A short, stable, one-way name for a secret: enough to tell two tokens apart, nothing more. */
export function fingerprint(secret: string): string {
  // node:crypto is loaded on first use, not at import: every command loads the redactor (flag
  // errors are redacted), most never fingerprint anything. process.getBuiltinModule: Node ≥ 20.16.
  const { createHash } = process.getBuiltinModule("node:crypto");
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

/** Names of variables whose value is a secret (`XAI_API_KEY`, `GITHUB_TOKEN`, `SMTP_PASSWORD`…). */
export const SECRET_VARIABLE_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION/i;

/**
 * The secrets a set of variables (a .env file, the process environment) holds: the value of every
 * secret-named variable, and the password of every URL-valued one (`HTTPS_PROXY=http://u:pw@host`),
 * as written and percent-decoded. Other values (paths, model ids) stay readable.
 */
export function secretsInVariables(vars: Readonly<Record<string, string | undefined>>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== "string" || value === "") continue;
    if (SECRET_VARIABLE_NAME.test(name)) out.add(value);
    const password = urlPassword(value);
    if (password) out.add(password).add(safeDecode(password));
  }
  return [...out];
}

function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value.trim())) return undefined;
  try {
    return new URL(value.trim()).password || undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
