// Bad input never crashes: generated and mutated inputs for every reader and classifier of user- or
// server-supplied data. Each property asserts the contract ("a verdict or a finding, never an
// exception"), not an implementation detail. Default sizes keep this file to a few seconds;
// HERMES_DOCTOR_LONG_TESTS=1 runs 20x as many cases (docs/reliability.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { locateJsonError, parseStoreText, readStoreFile, secretValuesIn } from "../src/hermes/auth-store.js";
import { MAX_YAML_DEPTH, modelSettings, modelSlots, readConfigYaml, secretLikeValues, yamlTooDeep } from "../src/hermes/config.js";
import { readDotenv } from "../src/hermes/dotenv.js";
import { labelFromToken, poolStrategyFrom, readXaiOauthTokens } from "../src/hermes/credentials.js";
import { decodeJwt, jwtExp } from "../src/xai/jwt.js";
import { classifyApiResponse, classifyRefreshResponse, classifyText } from "../src/xai/signatures.js";
import { runChecks } from "../src/engine/runner.js";
import { SecretRegistry } from "../src/engine/secrets.js";
import { localChecks } from "../checks/local.js";
import { diagnose } from "../src/diagnosis/diagnose.js";
import { VERDICT_CODES } from "../src/diagnosis/verdicts.js";
import type { DoctorServices } from "../checks/context.js";
import { xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken } from "../fixtures/tokens.js";

const LONG = process.env.HERMES_DOCTOR_LONG_TESTS === "1";
const runs = (n: number): fc.Parameters<unknown> => ({ numRuns: LONG ? n * 20 : n });
const TIMEOUT = LONG ? 600_000 : 30_000;

// ── Generators ──────────────────────────────────────────────────────────────────────────────────

const b64url = (s: string) => Buffer.from(s).toString("base64url");
/** exp as Hermes never writes it, and as it does. */
const expValue = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 31 }), // seconds
  fc.integer({ min: 1e12, max: 9e12 }).map((n) => n), // milliseconds
  fc.double({ noNaN: false }),
  fc.string().map((s) => s), // a string exp
  fc.constantFrom(null, true, [], {}, "1790000000", 1e308, -1),
);
const jsonish = fc.jsonValue({ maxDepth: 4 });
/** Tokens: real JWTs, JWT-shaped junk, malformed, huge, control characters. */
const tokenLike = fc.oneof(
  fc.constant(null).map(() => makeAccessToken()),
  fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.record({ exp: expValue }, { requiredKeys: [] }), fc.string()).map(([h, p, sig]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}.${sig}`),
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `eyJ${a}.${b}`),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }).map((parts) => parts.join(".")),
  fc.nat({ max: 200_000 }).map((n) => "eyJhbGciOiJub25lIn0." + "A".repeat(n)),
  fc.constantFrom("", ".", "..", "...", "a.b.c.d", "\u0000.\u0000", "\uFEFFeyJ.eyJ.x", "Bearer x.y.z"),
);
/** A value of any JSON type, biased towards the wrong type for a token field. */
const wrongTyped = fc.oneof(tokenLike, jsonish, fc.constantFrom(null, 0, 1, true, false, [], {}, "   "));

/** Stores shaped like Hermes' with any field replaced by something hostile. */
const storeObject = fc.record({
  version: fc.oneof(fc.constant(1), jsonish),
  providers: fc.oneof(
    fc.record({ "xai-oauth": fc.oneof(
      fc.record({
        tokens: fc.oneof(fc.record({ access_token: wrongTyped, refresh_token: wrongTyped, id_token: wrongTyped, expires_in: jsonish }, { requiredKeys: [] }), jsonish),
        last_refresh: jsonish,
        auth_mode: fc.oneof(fc.constantFrom("oauth_device_code", "oauth_pkce"), jsonish),
        discovery: fc.oneof(fc.record({ token_endpoint: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), jsonish) }), jsonish),
        last_auth_error: jsonish,
      }, { requiredKeys: [] }),
      jsonish,
    ) }, { requiredKeys: [] }),
    jsonish,
  ),
  credential_pool: fc.oneof(
    fc.record({ "xai-oauth": fc.oneof(fc.array(fc.oneof(
      fc.record({
        id: wrongTyped, label: wrongTyped, source: fc.oneof(fc.constantFrom("device_code", "manual:device_code", "loopback_pkce", "env:XAI"), jsonish),
        priority: jsonish, access_token: wrongTyped, refresh_token: wrongTyped,
        last_status: fc.oneof(fc.constantFrom("ok", "exhausted", "dead"), jsonish), last_status_at: expValue,
        last_error_code: jsonish, last_error_reset_at: expValue, request_count: jsonish, base_url: jsonish,
      }, { requiredKeys: [] }),
      jsonish,
    ), { maxLength: 4 }), jsonish) }, { requiredKeys: [] }),
    jsonish,
  ),
  active_provider: jsonish,
  suppressed_sources: jsonish,
}, { requiredKeys: [] });

/** Text mutations: truncation, NUL, BOM, invalid UTF-8 (as a lossy decoder would see it), nesting. */
function mutatedText(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    base,
    fc.tuple(base, fc.double({ min: 0, max: 1, noNaN: true })).map(([t, f]) => t.slice(0, Math.floor(t.length * f))),
    fc.tuple(base, fc.nat()).map(([t, i]) => { const k = t.length ? i % t.length : 0; return `${t.slice(0, k)}\u0000${t.slice(k)}`; }),
    base.map((t) => `\uFEFF${t}`),
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString("utf8")),
    fc.tuple(fc.constantFrom("[", "{\"a\":", "- ", "  "), fc.nat({ max: 12_000 })).map(([open, n]) => open.repeat(n)),
    fc.nat({ max: 300_000 }).map((n) => `{"providers": {"xai-oauth": {"tokens": {"access_token": "${"x".repeat(n)}"}}}}`),
  );
}
const storeText = mutatedText(storeObject.map((o) => JSON.stringify(o)));

// ── Properties ──────────────────────────────────────────────────────────────────────────────────

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(tmpdir(), "hd-prop-")); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });
let seq = 0;
const fresh = async () => { const d = path.join(tmp, String(seq++)); await mkdir(d, { recursive: true }); return d; };

describe("the store reader", () => {
  it("parseStoreText: ok, json (with a position inside the text) or shape; never throws", () => {
    fc.assert(fc.property(storeText, (text) => {
      const r = parseStoreText(text);
      if (!r.ok && r.kind === "json") {
        expect(r.position.offset).toBeGreaterThanOrEqual(0);
        expect(r.position.offset).toBeLessThanOrEqual(text.length);
      }
      if (r.ok) secretValuesIn(r.store);
      locateJsonError(text);
    }), runs(200));
  }, TIMEOUT);

  it("readStoreFile on arbitrary bytes (BOM, invalid UTF-8, NUL): a StoreRead, never an exception", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      storeText.map((t) => new Uint8Array(Buffer.from(t))),
      fc.uint8Array({ maxLength: 200 }).map((b) => new Uint8Array([0xef, 0xbb, 0xbf, ...b])),
    );
    await fc.assert(fc.asyncProperty(bytes, async (b) => {
      const p = path.join(await fresh(), "auth.json");
      await writeFile(p, b);
      const r = await readStoreFile(p);
      expect(["ok", "not_utf8"]).toContain(r.kind);
      if (r.kind === "not_utf8") expect(r.offset).toBeLessThanOrEqual(b.length);
    }), runs(60));
  }, TIMEOUT);

  it("Hermes' usable-login predicate answers for any JSON in the profile and the root", () => {
    fc.assert(fc.property(fc.oneof(storeObject, jsonish), fc.option(fc.oneof(storeObject, jsonish)), (p, r) => {
      const asDict = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
      const got = readXaiOauthTokens(asDict(p), r === null ? undefined : asDict(r));
      expect(typeof got.ok).toBe("boolean");
      if (!got.ok) expect(got.code).toMatch(/^xai_auth_(missing|invalid_shape|missing_access_token|missing_refresh_token)$/);
    }), runs(300));
  }, TIMEOUT);

  it("the local checks on a generated store: every check gives a status, none crashes, the diagnosis gives a verdict", async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(storeText, storeObject.map((o) => JSON.stringify({ ...xaiAuthStore({ access_token: makeAccessToken(), refresh_token: "rt-x" }), ...o }))), async (text) => {
      const home = await fresh();
      await writeFile(path.join(home, "auth.json"), text);
      const services: DoctorServices = {
        options: { home, offline: true, readOnly: true, refresh: false },
        env: {}, platform: "linux", userHome: tmp, now: () => Date.UTC(2026, 10, 28, 12),
        secrets: new SecretRegistry(), http: () => Promise.reject(new Error("offline")),
      };
      const { records } = await runChecks(localChecks, { services, timeoutMs: 10_000 });
      for (const rec of records) {
        expect(["pass", "warn", "fail", "skip", "error"]).toContain(rec.status);
        expect(rec.code, `${rec.id}: ${rec.summary}`).not.toBe("check_crashed");
      }
      expect(VERDICT_CODES).toContain(diagnose({ records, deadlineHit: false }).verdict.code);
    }), runs(40));
  }, TIMEOUT);
});

describe("the JWT decoder", () => {
  it("decodeJwt / jwtExp / labelFromToken: a result or an error, never an exception; exp only as a finite number", () => {
    fc.assert(fc.property(tokenLike, (t) => {
      const d = decodeJwt(t);
      expect("error" in d || ("header" in d && "payload" in d)).toBe(true);
      const exp = jwtExp(t);
      if (exp !== undefined) expect(Number.isFinite(exp)).toBe(true);
      expect(typeof labelFromToken(t, "fallback")).toBe("string");
      if ("error" in d && t.length > 8) expect(d.error).not.toContain(t);
    }), runs(300));
  }, TIMEOUT);

  it("non-strings never throw either", () => {
    fc.assert(fc.property(jsonish, (v) => {
      decodeJwt(v as string);
      jwtExp(v as string);
    }), runs(100));
  });
});

/** Alias doubling ("billion laughs"): each level lists the previous one `fanout` times. */
function aliasBomb(levels: number, fanout: number, flow: boolean): string {
  const list = (items: string[]) => (flow ? `[${items.join(", ")}]` : `\n${items.map((i) => `  - ${i}`).join("\n")}`);
  const lines = [`l0: &l0 ${list(Array(fanout).fill("lol"))}`];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} ${list(Array(fanout).fill(`*l${i - 1}`))}`);
  return `${lines.join("\n")}\nmodel:\n  provider: xai-oauth\n`;
}
const aliasBombArgs = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 2, max: 6 }), fc.boolean());

const yamlText = fc.oneof(
  aliasBombArgs.map(([l, f, flow]) => aliasBomb(l, f, flow)),
  fc.constantFrom("model:\n  provider: xai-oauth\n", "model: grok-4\n", "credential_pool_strategies:\n  xai-oauth: least_used\n", "a: &x [1]\nb: *x\n", ": :\n- - -\n", "? [a]\n: b\n"),
  fc.tuple(fc.constantFrom("[", "{", "- ", "{a: ", "[a, ", " "), fc.nat({ max: 5000 }), fc.constantFrom("", "x", "]", "}")).map(([o, n, c]) => `${o.repeat(n)}${c.repeat(n)}`),
  fc.nat({ max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")),
  fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: "binary", maxLength: 500 }),
);

describe("the config.yaml and .env readers", () => {
  it("readConfigYaml: ok / invalid / too_large on any text, never an exception; anything too deep is refused before parsing", async () => {
    await fc.assert(fc.asyncProperty(mutatedText(yamlText), async (text) => {
      const p = path.join(await fresh(), "config.yaml");
      await writeFile(p, text);
      const r = await readConfigYaml(p);
      expect(["ok", "invalid", "too_large"]).toContain(r.kind);
      if (yamlTooDeep(text) && Buffer.byteLength(text) <= 4 * 1024 * 1024) expect(r).toMatchObject({ kind: "invalid", code: "TOO_DEEP" });
      if (r.kind === "ok") {
        modelSettings(r.config);
        modelSlots(r.config);
        poolStrategyFrom(r.config);
        secretLikeValues(r.config);
      }
    }), runs(80));
  }, TIMEOUT);

  it("readConfigYaml on alias doubling (billion laughs, up to 60 levels): read while small, else a precise ALIAS finding", async () => {
    await fc.assert(fc.asyncProperty(aliasBombArgs, async ([levels, fanout, flow]) => {
      const p = path.join(await fresh(), "config.yaml");
      await writeFile(p, aliasBomb(levels, fanout, flow));
      const r = await readConfigYaml(p);
      if (fanout ** levels > 100_000) expect(r).toMatchObject({ kind: "invalid", code: "ALIAS", problem: expect.stringContaining("alias bomb") });
      else if (r.kind === "ok") secretLikeValues(r.config);
      else expect(r).toMatchObject({ kind: "invalid", code: "ALIAS" });
    }), runs(40));
  }, TIMEOUT);

  it("yamlTooDeep never misses the attack shapes", () => {
    fc.assert(fc.property(fc.constantFrom("[", "{", "- ", "{a: ", "[a, ", "- [", "? "), fc.integer({ min: MAX_YAML_DEPTH + 1, max: 20_000 }), (open, n) => {
      expect(yamlTooDeep(open.repeat(n))).toBeDefined();
    }), runs(60));
  });

  it("readDotenv on arbitrary bytes (NUL, BOM, invalid UTF-8, huge lines): values or a finding, never an exception", async () => {
    const envText = mutatedText(fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), { maxLength: 8 }).map((kv) => kv.map(([k, v]) => `${k}=${v}`).join("\n")));
    await fc.assert(fc.asyncProperty(envText, async (text) => {
      const p = path.join(await fresh(), ".env");
      await writeFile(p, text);
      const r = await readDotenv(p);
      expect(["ok", "unreadable", "too_large"]).toContain(r.kind);
      if (r.kind === "ok") for (const v of Object.values(r.values)) expect(typeof v).toBe("string");
    }), runs(80));
  }, TIMEOUT);
});

describe("the xAI body classifier (through its exported functions)", () => {
  const body = mutatedText(fc.oneof(
    fc.record({ code: jsonish, error: jsonish, message: jsonish, error_description: wrongTyped }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.constantFrom("<html><body>503</body></html>", "{\"error\":{\"code\":403,\"message\":\"x\"}}", "not json", "", "null", "[]", "{\"error\": null}"),
    jsonish.map((v) => JSON.stringify(v)),
  ));
  const classOk = (c: unknown) => {
    if (c === null) return;
    expect(c).toBeTypeOf("object");
  };
  it("classifyApiResponse / classifyRefreshResponse: a class or null for any status and body", () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 599 }), body, fc.option(fc.constantFrom("application/json", "text/html", "text/plain; charset=utf-8", "")), (status, text, ct) => {
      classOk(classifyApiResponse(status, text, ct ?? undefined));
      classOk(classifyRefreshResponse(status, text));
    }), runs(300));
  }, TIMEOUT);

  it("classifyText: a class or null for anything pasted", () => {
    fc.assert(fc.property(body, (text) => { classOk(classifyText(text)); }), runs(300));
  }, TIMEOUT);
});
