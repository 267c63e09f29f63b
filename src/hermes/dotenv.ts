// <home>/.env as Hermes reads it for credentials. Source: NousResearch/hermes-agent
// hermes_cli/config.py get_env_value_prefer_dotenv and agent/credential_pool.py (@ 0056d634)
// get_env_prefer_dotenv: a non-empty .env value beats the process environment (so a key rotated in
// .env is not shadowed by a stale shell export); an unresolved op:// reference defers to the
// resolved value from the environment. hermes_cli/auth.py (@ 00067189) has_usable_secret.
import { parseEnv } from "node:util";
import { readBoundedText, type TextRead } from "./safe-read.js";

export type DotenvRead = Exclude<TextRead, { kind: "ok" }> | { kind: "ok"; values: Record<string, string> };

export async function readDotenv(path: string): Promise<DotenvRead> {
  const read = await readBoundedText(path, "dotenv");
  if (read.kind !== "ok") return read;
  let values: Record<string, string>;
  try {
    values = parseEnv(read.text) as Record<string, string>;
  } catch {
    // parseEnv has not been seen to throw; if it ever does, the file is unusable, not the doctor.
    return { kind: "unreadable", errno: "EINVAL", message: "it could not be parsed as a .env file" };
  }
  return { kind: "ok", values };
}

export type ValueSource = ".env" | "environment";

export interface EnvLookup {
  /** The value Hermes uses, if any (a secret: register it before anything else). */
  value?: string;
  source?: ValueSource;
  inDotenv: boolean;
  inEnvironment: boolean;
  /** .env holds an op:// reference (resolved by Hermes' secret scope, not readable here). */
  opReference: boolean;
}

/** get_env_value_prefer_dotenv: non-empty .env wins, then the environment. */
export function lookupPreferDotenv(
  key: string,
  dotenv: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): EnvLookup {
  const fromFile = (dotenv[key] ?? "").trim();
  const fromEnv = (env[key] ?? "").trim();
  const opReference = fromFile.startsWith("op://");
  const base = { inDotenv: fromFile !== "", inEnvironment: fromEnv !== "", opReference };
  if (fromFile && !(opReference && fromEnv)) return { ...base, value: fromFile, source: ".env" };
  if (fromEnv) return { ...base, value: fromEnv, source: "environment" };
  return base;
}

const PLACEHOLDERS = new Set([
  "*", "**", "***", "changeme", "your_api_key", "your_api_key_here", "your-api-key",
  "placeholder", "example", "dummy", "null", "none",
]);

/** has_usable_secret: at least 4 characters and not an obvious placeholder. */
export function hasUsableSecret(value: string | undefined, minLength = 4): boolean {
  if (typeof value !== "string") return false;
  const v = value.trim();
  return v.length >= minLength && !PLACEHOLDERS.has(v.toLowerCase());
}
