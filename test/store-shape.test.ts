// The hand-written store checks (src/hermes/schema.ts) agree with the zod 4 loose schemas they
// replaced: same values accepted, same issues (path and message, in order) for the rest. The zod
// schemas live here only, as the oracle; the runtime never loads zod for the store.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import { checkAuthStore, checkXaiPool, checkXaiProviderState, type Checked } from "../src/hermes/schema.js";

// ── The oracle: the schemas as they were in src/hermes/schema.ts, and their issue formatter ─────
const optStr = z.string().nullable().optional();
const timestamp = z.union([z.number(), z.string()]).nullable().optional();
const AuthStoreSchema = z.looseObject({
  version: z.number().int().optional(),
  providers: z.record(z.string(), z.unknown()).optional(),
  active_provider: z.string().nullable().optional(),
  credential_pool: z.record(z.string(), z.unknown()).optional(),
  suppressed_sources: z.record(z.string(), z.union([z.array(z.string()), z.record(z.string(), z.unknown())])).optional(),
  updated_at: z.string().optional(),
});
const XaiTokensSchema = z.looseObject({
  access_token: optStr, refresh_token: optStr, id_token: optStr,
  expires_in: z.number().nullable().optional(), token_type: optStr,
});
const LastAuthErrorSchema = z.looseObject({
  provider: optStr, code: z.union([z.string(), z.number()]).nullable().optional(), message: optStr,
  reason: optStr, relogin_required: z.boolean().nullable().optional(), at: optStr,
});
const XaiProviderStateSchema = z.looseObject({
  tokens: XaiTokensSchema.optional(),
  last_refresh: optStr,
  auth_mode: optStr,
  discovery: z.looseObject({ authorization_endpoint: optStr, token_endpoint: optStr }).nullable().optional(),
  redirect_uri: optStr,
  last_auth_error: LastAuthErrorSchema.nullable().optional(),
});
const PoolEntrySchema = z.looseObject({
  id: optStr, label: optStr, auth_type: optStr, priority: z.number().int().nullable().optional(),
  source: optStr, access_token: optStr, refresh_token: optStr, base_url: optStr, last_refresh: optStr,
  request_count: z.number().int().nullable().optional(), last_status: optStr, last_status_at: timestamp,
  last_error_code: z.number().int().nullable().optional(), last_error_reason: optStr, last_error_message: optStr,
  last_error_reset_at: timestamp,
});
const XaiPoolSchema = z.array(PoolEntrySchema);

function issuesOf(error: z.ZodError, prefix = "") {
  return error.issues.map((i) => ({
    path: prefix + i.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, prefix ? "." : ""),
    message: i.message,
  }));
}

const PAIRS: [string, z.ZodType, (v: unknown, prefix?: string) => Checked<unknown>, string][] = [
  ["auth store", AuthStoreSchema, checkAuthStore, ""],
  ["providers[\"xai-oauth\"]", XaiProviderStateSchema, checkXaiProviderState, 'providers["xai-oauth"]'],
  ["credential_pool[\"xai-oauth\"]", XaiPoolSchema, checkXaiPool, 'credential_pool["xai-oauth"]'],
];

/** Both verdicts side by side; a valid value must come back as what zod would have returned. */
function agree(schema: z.ZodType, mine: (v: unknown, prefix?: string) => Checked<unknown>, value: unknown, prefix: string) {
  const oracle = schema.safeParse(value);
  const got = mine(value, prefix);
  if (oracle.success) {
    expect(got).toEqual({ ok: true, value: oracle.data });
  } else {
    expect(got).toEqual({ ok: false, issues: issuesOf(oracle.error, prefix) });
  }
  return got;
}

const BIG = 2 ** 53; // not a safe integer
const json = (text: string) => JSON.parse(text) as unknown; // 1e999 -> Infinity, as a store can hold

// ── The table ─────────────────────────────────────────────────────────────────────────────────
const STORE_CASES: [string, unknown][] = [
  ["a typical store", { version: 1, providers: { "xai-oauth": {} }, active_provider: "xai-oauth", credential_pool: { "xai-oauth": [] }, updated_at: "2026-01-01T00:00:00Z" }],
  ["empty", {}],
  ["unknown keys kept", { version: 1, providers: {}, extra: { nested: [1] }, systems: {} }],
  ["not an object", "store"],
  ["an array", [1, 2]],
  ["null", null],
  ["version a float", { version: 1.5 }],
  ["version a string", { version: "1" }],
  ["version null (not allowed)", { version: null }],
  ["version 2^53", { version: BIG }],
  ["version -2^53", { version: -BIG }],
  ["version Infinity", json('{"version": 1e999}')],
  ["version -Infinity", json('{"version": -1e999}')],
  ["version -0", json('{"version": -0}')],
  ["providers an array", { providers: [] }],
  ["providers null", { providers: null }],
  ["credential_pool a string", { credential_pool: "x" }],
  ["active_provider null (allowed)", { active_provider: null }],
  ["active_provider a number", { active_provider: 3 }],
  ["updated_at null (not allowed)", { updated_at: null }],
  ["suppressed_sources list and dict forms", { suppressed_sources: { "xai-oauth": ["device_code"], other: { device_code: true } } }],
  ["suppressed_sources with a number in the list", { suppressed_sources: { "xai-oauth": ["device_code", 7] } }],
  ["suppressed_sources a value of the wrong type", { suppressed_sources: { "xai-oauth": "device_code", b: null } }],
  ["suppressed_sources an array", { suppressed_sources: ["device_code"] }],
  ["suppressed_sources with a __proto__ key (zod skips it)", json('{"suppressed_sources": {"__proto__": 5, "a": 5}}')],
  ["several issues, in field order", { updated_at: 1, version: "x", providers: 2, active_provider: false }],
];

const STATE_CASES: [string, unknown][] = [
  ["a device-code login", { tokens: { access_token: "a", refresh_token: "r", id_token: null, expires_in: 3600, token_type: "Bearer" }, last_refresh: "2026-01-01T00:00:00Z", auth_mode: "oauth_device_code", discovery: { token_endpoint: "https://auth.x.ai/oauth2/token" } }],
  ["empty", {}],
  ["unknown keys at every level", { tokens: { access_token: "a", scope: "x" }, discovery: { issuer: "i" }, last_auth_error: { code: "x", extra: 1 }, future: true }],
  ["tokens a string", { tokens: "opaque" }],
  ["tokens null (not allowed)", { tokens: null }],
  ["access_token a number", { tokens: { access_token: 12345 } }],
  ["expires_in a float (allowed)", { tokens: { expires_in: 3599.5 } }],
  ["expires_in a string", { tokens: { expires_in: "3600" } }],
  ["expires_in Infinity", json('{"tokens": {"expires_in": 1e999}}')],
  ["discovery null (allowed)", { discovery: null }],
  ["discovery an array", { discovery: ["x"] }],
  ["discovery with a numeric endpoint", { discovery: { authorization_endpoint: 1, token_endpoint: false } }],
  ["last_auth_error null (allowed)", { last_auth_error: null }],
  ["last_auth_error code a number, a string, null", { last_auth_error: { code: 401, relogin_required: true } }],
  ["last_auth_error code a boolean", { last_auth_error: { code: true } }],
  ["last_auth_error code an object", { last_auth_error: { code: {} } }],
  ["last_auth_error relogin_required a string", { last_auth_error: { relogin_required: "yes" } }],
  ["last_auth_error a string", { last_auth_error: "refresh failed" }],
  ["not an object", 42],
  ["an array", []],
  ["several issues, nested, in field order", { redirect_uri: 1, tokens: { token_type: 2, access_token: [] }, auth_mode: {} }],
];

const row = (extra: Record<string, unknown>) => ({ id: "abc", source: "device_code", access_token: "a", refresh_token: "r", ...extra });
const POOL_CASES: [string, unknown][] = [
  ["one full row", [row({ label: "me", auth_type: "oauth", priority: 0, base_url: "https://api.x.ai/v1", last_refresh: "t", request_count: 3, last_status: "ok", last_status_at: 1790000000.25, last_error_code: null, last_error_reason: null, last_error_message: null, last_error_reset_at: "2026-01-01T00:00:00Z" })]],
  ["empty", []],
  ["not an array", {}],
  ["null", null],
  ["a row that is not an object", [row({}), "x", null]],
  ["priority a float", [row({ priority: 1.5 })]],
  ["priority a string", [row({ priority: "1" })]],
  ["priority 2^53", [row({ priority: BIG })]],
  ["priority -2^53", [row({ priority: -BIG })]],
  ["priority null (allowed)", [row({ priority: null })]],
  ["request_count a float", [row({ request_count: 0.5 })]],
  ["request_count Infinity", json('[{"request_count": 1e999}]')],
  ["last_error_code a float", [row({ last_error_code: 429.0001 })]],
  ["last_error_code a string", [row({ last_error_code: "429" })]],
  ["last_error_code 429.0 (an integer in JSON's eyes)", json('[{"last_error_code": 429.0}]')],
  ["last_status_at a number or a string (allowed)", [row({ last_status_at: 1 }), row({ last_status_at: "2026" })]],
  ["last_status_at a boolean", [row({ last_status_at: true })]],
  ["last_error_reset_at an array", [row({ last_error_reset_at: [1] })]],
  ["a numeric access_token in the second row", [row({}), row({ access_token: 12345 })]],
  ["unknown keys kept", [row({ failure_reason: "x", extra: { a: 1 } })]],
  ["several rows, several issues", [row({ label: 1, id: 2 }), row({}), row({ priority: 0.1, source: null, base_url: 3 })]],
];

describe("store checks agree with the zod schemas they replaced", () => {
  it.each(STORE_CASES)("auth store: %s", (_name, value) => {
    agree(AuthStoreSchema, checkAuthStore, value, "");
  });
  it.each(STATE_CASES)("providers[\"xai-oauth\"]: %s", (_name, value) => {
    agree(XaiProviderStateSchema, checkXaiProviderState, value, 'providers["xai-oauth"]');
  });
  it.each(POOL_CASES)("credential_pool[\"xai-oauth\"]: %s", (_name, value) => {
    agree(XaiPoolSchema, checkXaiPool, value, 'credential_pool["xai-oauth"]');
  });

  it("the table covers both outcomes (so agreement is not vacuous)", () => {
    const outcomes = [...STORE_CASES.map(([, v]) => checkAuthStore(v).ok), ...POOL_CASES.map(([, v]) => checkXaiPool(v).ok)];
    expect(outcomes).toContain(true);
    expect(outcomes).toContain(false);
  });

  it("paths and messages as the reports show them", () => {
    expect(checkXaiPool([{}, { access_token: 12345 }], 'credential_pool["xai-oauth"]')).toEqual({
      ok: false, issues: [{ path: 'credential_pool["xai-oauth"][1].access_token', message: "Invalid input: expected string, received number" }],
    });
    expect(checkXaiProviderState({ tokens: "x" }, 'providers["xai-oauth"]')).toEqual({
      ok: false, issues: [{ path: 'providers["xai-oauth"].tokens', message: "Invalid input: expected object, received string" }],
    });
    expect(checkAuthStore({ version: 1.5, suppressed_sources: { "xai-oauth": 1 } })).toEqual({
      ok: false, issues: [
        { path: "version", message: "Invalid input: expected int, received number" },
        { path: "suppressed_sources.xai-oauth", message: "Invalid input" },
      ],
    });
    expect(checkXaiPool("x", "p")).toEqual({ ok: false, issues: [{ path: "p", message: "Invalid input: expected array, received string" }] });
  });

  it("a valid value is returned as it is, not copied", () => {
    const store = { version: 1, providers: {}, extra: 1 };
    const r = checkAuthStore(store);
    expect(r.ok && r.value).toBe(store);
  });

  // Values biased towards what each field refuses: every JSON type, ints and floats, unsafe
  // integers, Infinity (1e999 in a file), nested objects of the right and the wrong shape.
  const odd = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(null, 0, -0, 1, 1.5, -7, BIG, -BIG, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, "", "x", true, false, [], {}, ["a"], ["a", 1], { a: 1 }),
  );
  const fields = (keys: string[], nested: Record<string, fc.Arbitrary<unknown>> = {}) =>
    fc.tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, nested[k] ? fc.oneof(nested[k]!, odd) : odd])), { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__" && !keys.includes(k)), odd, { maxKeys: 2 }),
    ).map(([known, extra]) => ({ ...extra, ...known }));
  const tokensArb = fields(["access_token", "refresh_token", "id_token", "expires_in", "token_type"]);
  const errorArb = fields(["provider", "code", "message", "reason", "relogin_required", "at"]);
  const discoveryArb = fields(["authorization_endpoint", "token_endpoint"]);
  const stateArb = fields(["tokens", "last_refresh", "auth_mode", "discovery", "redirect_uri", "last_auth_error"], { tokens: tokensArb, discovery: discoveryArb, last_auth_error: errorArb });
  const rowArb = fields(["id", "label", "auth_type", "priority", "source", "access_token", "refresh_token", "base_url", "last_refresh", "request_count", "last_status", "last_status_at", "last_error_code", "last_error_reason", "last_error_message", "last_error_reset_at"]);
  const suppressedArb = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__"), fc.oneof(fc.array(fc.oneof(fc.string(), odd), { maxLength: 3 }), odd), { maxKeys: 3 });
  const storeArb = fields(["version", "providers", "active_provider", "credential_pool", "suppressed_sources", "updated_at"], { suppressed_sources: suppressedArb });
  const arbs: fc.Arbitrary<unknown>[] = [storeArb, stateArb, fc.oneof(fc.array(fc.oneof(rowArb, odd), { maxLength: 3 }), odd)];

  it.each(PAIRS.map((p, i) => [...p, arbs[i]!] as const))("generated values: %s", (_name, schema, mine, prefix, arb) => {
    fc.assert(fc.property(arb, (value) => { agree(schema, mine, value, prefix); }), { numRuns: 400 });
  });
});
