// Reading auth.json exactly as Hermes does. Source: NousResearch/hermes-agent hermes_cli/auth.py
// (@ 00067189) `_load_auth_store`: utf-8-sig; an OSError is re-raised (never an empty store);
// unparseable JSON or non-UTF-8 bytes are copied to auth.json.corrupt and the store starts empty;
// a value that is not a dict with a dict `providers` or `credential_pool` loads as an empty store.
import { isDict } from "./json.js";
import { describeErrno, readBounded } from "./safe-read.js";

export { describeErrno };

export type StoreRead =
  | { kind: "ok"; text: string; bom: boolean; bytes: number }
  /** Absent; `danglingLink` when auth.json is a symlink to nothing (Path.exists() is False for it). */
  | { kind: "missing"; danglingLink?: true }
  /** Exists but cannot be read (EACCES, EPERM, EISDIR, ENOTREG, EIO, ...): Hermes raises, it never degrades. */
  | { kind: "unreadable"; errno: string; message: string }
  /** Larger than any Hermes store (READ_LIMITS.auth_store): not read. */
  | { kind: "too_large"; size: number; limit: number }
  /** Not UTF-8: Hermes moves it aside and starts empty. */
  | { kind: "not_utf8"; offset: number; bytes: number };

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Reads a store file (bounded, never blocking on a FIFO or device) and decodes it as Python's `utf-8-sig` would. */
export async function readStoreFile(path: string): Promise<StoreRead> {
  // stat first inside readBounded: Path.exists() treats ENOENT/ENOTDIR as absent but raises on EACCES.
  const read = await readBounded(path, "auth_store");
  if (read.kind !== "ok") return read;
  const buf = read.bytes;
  const bom = buf.subarray(0, 3).equals(BOM);
  const body = bom ? buf.subarray(3) : buf;
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    return { kind: "ok", text, bom, bytes: buf.length };
  } catch {
    return { kind: "not_utf8", offset: firstInvalidUtf8(body) + (bom ? 3 : 0), bytes: buf.length };
  }
}

/** Byte offset of the first invalid UTF-8 sequence. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n = 0;
    if (b < 0x80) { i++; continue; }
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    if (i + n >= buf.length) return i; // truncated sequence
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlongs and surrogates, as a strict decoder rejects them.
    const c1 = buf[i + 1]!;
    if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 > 0x9f) || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return buf.length;
}

export interface JsonErrorPosition {
  /** 0-based character offset. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** What was wrong, in words that never quote the content. */
  problem: string;
}

export type StoreParse =
  | { ok: true; store: Record<string, unknown>; layout: "hermes" | "legacy_systems" }
  | { ok: false; kind: "json"; position: JsonErrorPosition }
  | { ok: false; kind: "shape"; found: string };

/** What a JSON value is, in one word (for messages about the store's shape). */
export function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}


/** Parses store text and applies Hermes' acceptance rule. Errors never include content. */
export function parseStoreText(text: string): StoreParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // V8's message quotes the text around the error, which may be a token: locate it ourselves.
    return { ok: false, kind: "json", position: locateJsonError(text) };
  }
  if (isDict(raw) && (isDict(raw.providers) || isDict(raw.credential_pool))) {
    return { ok: true, store: raw, layout: "hermes" };
  }
  if (isDict(raw) && isDict(raw.systems)) {
    // Legacy layout: Hermes migrates only systems.nous_portal; nothing of xAI survives.
    return { ok: true, store: raw, layout: "legacy_systems" };
  }
  if (isDict(raw)) {
    const p = "providers" in raw ? `"providers" is ${jsonKind(raw.providers)}` : "no \"providers\"";
    const c = "credential_pool" in raw ? `"credential_pool" is ${jsonKind(raw.credential_pool)}` : "no \"credential_pool\"";
    return { ok: false, kind: "shape", found: `an object with ${p} and ${c}` };
  }
  return { ok: false, kind: "shape", found: jsonKind(raw) };
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, column: offset - last };
}

/**
 * Finds where JSON.parse failed with a small strict scanner (RFC 8259), so the position can be
 * reported without V8's message, which quotes the surrounding text.
 */
export function locateJsonError(text: string): JsonErrorPosition {
  let i = 0;
  class Stop { constructor(readonly at: number, readonly problem: string) {} }
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i]!)) i++; };
  const fail = (problem: string): never => { throw new Stop(i, problem); };
  const expectChar = (c: string, what: string) => { if (text[i] !== c) fail(text[i] === undefined ? "unexpected end of input" : `expected ${what}`); i++; };
  const str = () => {
    expectChar('"', "a string");
    for (;;) {
      const c = text[i];
      if (c === undefined) fail("unterminated string");
      if (c === '"') { i++; return; }
      if (c! < " ") fail("control character in string");
      if (c === "\\") {
        i++;
        const e = text[i];
        if (e === "u") { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail("bad \\u escape"); i += 5; }
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail("bad escape in string");
      } else i++;
    }
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === "" || m[0] === "-") fail("bad number");
    i += m![0].length;
  };
  const value = (depth: number): void => {
    // Recursive: bounded well inside the stack (JSON.parse refused the text, so depth is the attacker's).
    if (depth > 1_000) fail("nested more than 1000 levels deep");
    ws();
    const c = text[i];
    if (c === undefined) fail("unexpected end of input");
    if (c === "{") {
      i++; ws();
      if (text[i] === "}") { i++; return; }
      for (;;) {
        ws(); str(); ws(); expectChar(":", "':' after a key"); value(depth + 1); ws();
        if (text[i] === ",") { i++; continue; }
        expectChar("}", "',' or '}' after a value"); return;
      }
    }
    if (c === "[") {
      i++; ws();
      if (text[i] === "]") { i++; return; }
      for (;;) {
        value(depth + 1); ws();
        if (text[i] === ",") { i++; continue; }
        expectChar("]", "',' or ']' after an element"); return;
      }
    }
    if (c === '"') return str();
    if (c === "-" || (c! >= "0" && c! <= "9")) return num();
    for (const lit of ["true", "false", "null"]) if (text.startsWith(lit, i)) { i += lit.length; return; }
    fail("unexpected character");
  };
  try {
    if (text.trim() === "") throw new Stop(text.length, "the file is empty");
    value(0); ws();
    if (i < text.length) fail("unexpected text after the JSON value");
    // The scanner accepted what JSON.parse refused: report the end, without guessing.
    return { offset: text.length, ...lineCol(text, text.length), problem: "invalid JSON" };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { offset: e.at, ...lineCol(text, e.at), problem: e.problem };
  }
}

const SECRET_KEYS = new Set([
  "access_token", "refresh_token", "id_token", "agent_key", "api_key", "apikey", "api_token", "auth_token",
  "authorization", "bearer_token", "client_secret", "oauth_token", "private_key", "session_token", "password", "secret", "token",
]);
const SECRET_SUFFIXES = ["_api_key", "_token", "_secret", "_password", "_private_key"];
const NOT_SECRET = new Set(["token_type", "token_endpoint", "secret_fingerprint", "secret_source"]);

/**
 * Every string stored under a secret-looking key anywhere in a store (the same idea as Hermes'
 * agent/credential_persistence.py _is_secret_payload_key), so all of them can be registered.
 */
export function secretValuesIn(value: unknown, depth = 0): string[] {
  if (depth > 16 || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((v) => secretValuesIn(v, depth + 1));
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = k.toLowerCase().replace(/-/g, "_");
    const secretKey = !NOT_SECRET.has(key) && (SECRET_KEYS.has(key) || SECRET_SUFFIXES.some((s) => key.endsWith(s)));
    if (secretKey && typeof v === "string") out.push(v);
    else out.push(...secretValuesIn(v, depth + 1));
  }
  return out;
}
