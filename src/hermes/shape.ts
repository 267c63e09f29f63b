// A tiny validator for JSON values (what JSON.parse returns), so reading a store loads no schema
// library: zod alone costs about as much start-up as the whole offline run may (docs/performance.md).
// It accepts and refuses what the zod 4.x loose schemas it replaced did, with the same issue paths
// and messages (colinhacks/zod packages/zod/src/v4/locales/en.ts; test/store-shape.test.ts keeps
// the zod schemas as the oracle). Inputs are never copied: a valid value is returned as it is.

import { isDict } from "./json.js";

/** One reason a value is not the expected shape: where (path) and why, never the value itself. */
export interface SchemaIssue {
  path: string;
  message: string;
}

type Key = string | number;
interface RawIssue { at: Key[]; message: string }

/** Checks a value at a path, pushing an issue for each mismatch. */
export type Shape = (value: unknown, at: Key[], out: RawIssue[]) => void;

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** What zod names a value's type in "received …" (JSON values only: no classes, no NaN). */
function received(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return typeof v;
}

const mismatch = (expected: string, v: unknown, at: Key[], out: RawIssue[]) =>
  out.push({ at, message: `Invalid input: expected ${expected}, received ${received(v)}` });

export const string: Shape = (v, at, out) => {
  if (typeof v !== "string") mismatch("string", v, at, out);
};

export const boolean: Shape = (v, at, out) => {
  if (typeof v !== "boolean") mismatch("boolean", v, at, out);
};

/** A finite number (JSON's 1e999 parses to Infinity, which zod refuses). */
export const number: Shape = (v, at, out) => {
  if (typeof v !== "number" || !Number.isFinite(v)) mismatch("number", v, at, out);
};

/** A safe integer, as z.number().int(). */
export const int: Shape = (v, at, out) => {
  if (typeof v !== "number" || !Number.isFinite(v)) mismatch("number", v, at, out);
  else if (!Number.isInteger(v)) mismatch("int", v, at, out);
  else if (v > Number.MAX_SAFE_INTEGER) out.push({ at, message: `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` });
  else if (v < Number.MIN_SAFE_INTEGER) out.push({ at, message: `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}` });
};

export const unknown: Shape = () => {};

export const nullable = (shape: Shape): Shape => (v, at, out) => {
  if (v !== null) shape(v, at, out);
};

/**
 * Any one of the options; else one "Invalid input" issue at the value itself. (zod surfaces an
 * option's own issues only when exactly one option failed without aborting, which none of the
 * options used here can: every issue they raise aborts.)
 */
export const union = (...options: Shape[]): Shape => (v, at, out) => {
  for (const option of options) {
    const own: RawIssue[] = [];
    option(v, at, own);
    if (own.length === 0) return;
  }
  out.push({ at, message: "Invalid input" });
};

export const array = (item: Shape): Shape => (v, at, out) => {
  if (!Array.isArray(v)) return void mismatch("array", v, at, out);
  v.forEach((e, i) => item(e, [...at, i], out));
};

/** A dict with string keys and values of one shape (zod skips a "__proto__" key). */
export const record = (value: Shape): Shape => (v, at, out) => {
  if (!isDict(v)) return void mismatch("record", v, at, out);
  for (const k of Object.keys(v)) if (k !== "__proto__") value(v[k], [...at, k], out);
};

/** A loose object: every listed field optional (absent or undefined is fine), unknown keys kept. */
export const looseObject = (fields: Record<string, Shape>): Shape => (v, at, out) => {
  if (!isDict(v)) return void mismatch("object", v, at, out);
  for (const [k, shape] of Object.entries(fields)) {
    const field = v[k];
    if (field !== undefined) shape(field, [...at, k], out);
  }
};

/** Paths as the zod-based reports printed them: `prefix.key[0].key`, no leading dot without a prefix. */
function formatPath(at: Key[], prefix: string): string {
  const joined = at.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("");
  return prefix + (prefix ? joined : joined.replace(/^\./, ""));
}

/** Checks `value` against `shape`; the value itself (not a copy) when it fits. */
export function check<T>(shape: Shape, value: unknown, prefix = ""): Checked<T> {
  const out: RawIssue[] = [];
  shape(value, [], out);
  if (out.length === 0) return { ok: true, value: value as T };
  return { ok: false, issues: out.map((i) => ({ path: formatPath(i.at, prefix), message: i.message })) };
}
