// Flag values -> validated options. Every bad value becomes a UsageError with one line
// that says what is wrong and what would be right (exit 2).
import { InvalidArgumentError } from "commander";
import { normalizeProfileName } from "../hermes/profile-name.js";

export class UsageError extends Error {}

export { FORMATS, type Format } from "../report/formats.js";
export { DEFAULT_TIMEOUT_MS } from "../api/defaults.js";

/** commander parser for --timeout: whole milliseconds, 100 ms to 10 minutes. */
export function parseTimeout(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a number of milliseconds (e.g. --timeout 3000).`);
  const ms = Number(value);
  if (ms < 100 || ms > 600_000) throw new InvalidArgumentError(`${ms} ms is out of range: use 100 to 600000.`);
  return ms;
}

/** commander parser for --only / --skip: comma-separated, repeatable. */
export function parseIdList(value: string, previous: string[] = []): string[] {
  const ids = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError("expects check ids, e.g. --only store.parse,token.expiry");
  return [...previous, ...ids];
}

/** commander parser for --plugin: one module per flag, repeatable. */
export function parsePlugin(value: string, previous: string[] = []): string[] {
  if (value.trim() === "") throw new InvalidArgumentError("expects a module: a path (./my-check.mjs) or a package name.");
  return [...previous, value];
}

/** commander parser for --profile: Hermes' own profile-name rule (profiles.py). */
export function parseProfile(value: string): string {
  const result = normalizeProfileName(value);
  if (!result.ok) throw new InvalidArgumentError(`${result.error}.`);
  return result.name;
}
