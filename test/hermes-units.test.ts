// Unit tests of the Hermes/xAI knowledge the local checks are built on.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  defaultRootFor, normalizeProfileName, platformDefaultHome, resolveHermesHome, shellQuote, tildePath,
} from "../src/hermes/home.js";
import { firstInvalidUtf8, locateJsonError, parseStoreText, readStoreFile, secretValuesIn } from "../src/hermes/auth-store.js";
import { autoProviderFromKeys, modelSettings, modelSlots, normalizeProvider } from "../src/hermes/config.js";
import { hasUsableSecret, lookupPreferDotenv } from "../src/hermes/dotenv.js";
import { labelFromToken, poolStrategyFrom, resolvePool, type XaiStoreView } from "../src/hermes/credentials.js";
import { decodeJwt, jwtExp } from "../src/xai/jwt.js";
import { humanDuration, humanRemaining, refreshDecision } from "../src/xai/refresh-policy.js";
import { retirementOf } from "../src/xai/models.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";

let tmp: string;
beforeEach(async () => { tmp = await mkdtemp(path.join(tmpdir(), "hd-units-")); });
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

describe("home (hermes_constants.py, _startup_profile.py)", () => {
  it("platform defaults, with the data-dir suffix", () => {
    expect(platformDefaultHome({}, "linux", "/home/u")).toBe("/home/u/.hermes");
    expect(platformDefaultHome({ HERMES_DATA_DIR_SUFFIX: "-dev" }, "darwin", "/Users/u")).toBe("/Users/u/.hermes-dev");
    expect(platformDefaultHome({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\hermes");
    expect(platformDefaultHome({ LOCALAPPDATA: "  " }, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\hermes");
    expect(platformDefaultHome({ HERMES_DATA_DIR_SUFFIX: "2" }, "win32", "C:\\Users\\u")).toBe("C:\\Users\\u\\AppData\\Local\\hermes2");
  });

  it("get_default_hermes_root: native home, custom <root>/profiles/<name>, or the custom home itself", () => {
    const native = "/home/u/.hermes";
    expect(defaultRootFor(undefined, native, "linux")).toBe(native);
    expect(defaultRootFor("/home/u/.hermes/profiles/work", native, "linux")).toBe(native);
    expect(defaultRootFor("/opt/data/profiles/work", native, "linux")).toBe("/opt/data");
    expect(defaultRootFor("/opt/data", native, "linux")).toBe("/opt/data");
  });

  it("profile names are normalised and validated like profiles.py", () => {
    expect(normalizeProfileName(" Work ")).toEqual({ ok: true, name: "work" });
    expect(normalizeProfileName("DEFAULT")).toEqual({ ok: true, name: "default" });
    for (const bad of ["", "a/b", "..", "x\\y", "-lead", "has space", "a".repeat(65)]) {
      expect(normalizeProfileName(bad).ok, bad).toBe(false);
    }
  });

  it("HERMES_HOME naming a root still follows the sticky active_profile (#22502)", async () => {
    const root = path.join(tmp, "root");
    await mkdir(path.join(root, "profiles", "work"), { recursive: true });
    await writeFile(path.join(root, "active_profile"), "\uFEFFwork\n");
    const r = await resolveHermesHome({ env: { HERMES_HOME: root }, platform: "linux", userHome: tmp });
    expect(r).toMatchObject({ ok: true, root, home: path.join(root, "profiles", "work"), profile: "work", profileSource: "active_profile", profileExists: true });
  });

  it("--profile wins over HERMES_HOME and the sticky profile; 'default' is the root", async () => {
    const root = path.join(tmp, "root");
    await mkdir(path.join(root, "profiles", "a"), { recursive: true });
    await writeFile(path.join(root, "active_profile"), "a");
    const r = await resolveHermesHome({ home: root, profile: "default", env: {}, platform: "linux", userHome: tmp });
    expect(r).toMatchObject({ ok: true, home: root });
    expect((r as any).profile).toBeUndefined();
  });

  it("a tombstoned profile counts as missing", async () => {
    const root = path.join(tmp, "root");
    await mkdir(path.join(root, "profiles", "gone"), { recursive: true });
    await mkdir(path.join(root, "profiles", ".deleted"), { recursive: true });
    await writeFile(path.join(root, "profiles", ".deleted", "gone"), "deleted\n");
    const r = await resolveHermesHome({ home: root, profile: "gone", env: {}, platform: "linux", userHome: tmp });
    expect(r).toMatchObject({ ok: true, profileExists: false });
    expect((r as any).warnings[0]).toContain("deleted");
  });

  it("an invalid sticky profile is a warning, and the root is used", async () => {
    const root = path.join(tmp, "root");
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, "active_profile"), "../../etc");
    const r = await resolveHermesHome({ home: root, env: {}, platform: "linux", userHome: tmp });
    expect(r).toMatchObject({ ok: true, home: root });
    expect((r as any).warnings).toHaveLength(1);
  });

  it("tildePath and shellQuote", () => {
    expect(tildePath("/home/u/.hermes/auth.json", "/home/u", "linux")).toBe("~/.hermes/auth.json");
    expect(tildePath("/srv/hermes", "/home/u", "linux")).toBe("/srv/hermes");
    expect(shellQuote("/a b/it's")).toBe(`'/a b/it'\\''s'`);
  });
});

describe("auth store reading (auth.py _load_auth_store)", () => {
  it("accepts a dict whose providers OR credential_pool is a dict; migrates nothing else", () => {
    expect(parseStoreText('{"credential_pool": {}}')).toMatchObject({ ok: true, layout: "hermes" });
    expect(parseStoreText('{"providers": {}}')).toMatchObject({ ok: true, layout: "hermes" });
    expect(parseStoreText('{"systems": {"nous_portal": {}}}')).toMatchObject({ ok: true, layout: "legacy_systems" });
    expect(parseStoreText("[]")).toMatchObject({ ok: false, kind: "shape", found: "an array" });
    expect(parseStoreText('{"version": 1}')).toMatchObject({ ok: false, kind: "shape" });
    expect(parseStoreText("null")).toMatchObject({ ok: false, kind: "shape", found: "null" });
  });

  it("locates JSON errors without quoting the text", () => {
    expect(locateJsonError('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, problem: "expected ',' or '}' after a value" });
    expect(locateJsonError("")).toMatchObject({ problem: "the file is empty" });
    expect(locateJsonError('{"a": "secret-value')).toMatchObject({ problem: "unterminated string" });
    expect(locateJsonError('{"a": 1,}')).toMatchObject({ line: 1, column: 9 });
    expect(locateJsonError("[1, 2] x")).toMatchObject({ problem: "unexpected text after the JSON value" });
    const t = locateJsonError('{"k": "tok-123" "x"}');
    expect(JSON.stringify(t)).not.toContain("tok-123");
  });

  it("finds the first invalid UTF-8 byte", () => {
    expect(firstInvalidUtf8(Buffer.from("héllo"))).toBe(6);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0); // overlong
  });

  it("reads BOM, missing and ENOTDIR like Hermes", async () => {
    const p = path.join(tmp, "auth.json");
    await writeFile(p, "\uFEFF{}");
    expect(await readStoreFile(p)).toMatchObject({ kind: "ok", bom: true, text: "{}" });
    expect(await readStoreFile(path.join(tmp, "none.json"))).toEqual({ kind: "missing" });
    expect(await readStoreFile(path.join(p, "auth.json"))).toEqual({ kind: "missing" });
    expect(await readStoreFile(tmp)).toMatchObject({ kind: "unreadable", errno: "EISDIR" });
  });

  it("collects every secret-looking value in a store", () => {
    const found = secretValuesIn({ providers: { a: { tokens: { access_token: "A", refresh_token: "R", token_type: "Bearer" }, agent_key: "K" } }, x: [{ my_api_key: "M" }], discovery: { token_endpoint: "https://e" } });
    expect(found.sort()).toEqual(["A", "K", "M", "R"]);
  });
});

describe("jwt + refresh policy (auth_xai.py)", () => {
  const now = 1_800_000_000;

  it("decodes without verifying; errors never quote the token", () => {
    const t = makeAccessToken({}, { nowSec: now });
    const d = decodeJwt(t);
    expect("payload" in d && d.payload.iss).toBe("https://auth.x.ai");
    const opaque = makeOpaqueToken("xai");
    const e = decodeJwt(opaque);
    expect(e).toHaveProperty("error");
    expect(JSON.stringify(e)).not.toContain(opaque);
    expect(decodeJwt("a.b.c.d")).toHaveProperty("error");
  });

  it("jwtExp reads only the payload, like _xai_jwt_exp", () => {
    const payload = Buffer.from(JSON.stringify({ exp: 123 })).toString("base64url");
    expect(jwtExp(`garbage.${payload}`)).toBe(123);
    expect(jwtExp(`x.${Buffer.from('{"exp":"123"}').toString("base64url")}.y`)).toBeUndefined();
    expect(jwtExp("no-dots")).toBeUndefined();
  });

  it("1 h skew, 120 s when 0 < remaining <= 45 min, never without exp", () => {
    expect(refreshDecision(undefined, now)).toMatchObject({ due: false, expired: false });
    expect(refreshDecision(now + 3601, now)).toMatchObject({ due: false, skewSec: 3600 });
    expect(refreshDecision(now + 3600, now)).toMatchObject({ due: true, skewSec: 3600 });
    expect(refreshDecision(now + 2701, now)).toMatchObject({ due: true, skewSec: 3600 });
    expect(refreshDecision(now + 2700, now)).toMatchObject({ due: false, skewSec: 120 });
    expect(refreshDecision(now + 121, now)).toMatchObject({ due: false, skewSec: 120 });
    expect(refreshDecision(now + 120, now)).toMatchObject({ due: true, skewSec: 120, expired: false });
    expect(refreshDecision(now, now)).toMatchObject({ due: true, expired: true, skewSec: 3600 });
    expect(refreshDecision(now - 10, now)).toMatchObject({ due: true, expired: true, remainingSec: -10 });
  });

  it("human durations", () => {
    expect(humanRemaining(5 * 3600 + 12 * 60)).toBe("5h 12m left");
    expect(humanRemaining(-3 * 3600)).toBe("expired 3h ago");
    expect(humanDuration(200)).toBe("3m 20s");
    expect(humanDuration(2 * 86400 + 4 * 3600)).toBe("2d 4h");
  });
});

describe("models (xai_retirement.py)", () => {
  it("knows the May 15 retirements, families, prefixes and the Nov 2 one", () => {
    expect(retirementOf("grok-3")).toMatchObject({ retiresOn: "2026-05-15", replacement: "grok-4.3" });
    expect(retirementOf("x-ai/GROK-4-0709")).toMatchObject({ replacement: "grok-4.3" });
    expect(retirementOf("grok-4-fast-reasoning-latest")).toMatchObject({ retiresOn: "2026-05-15" });
    expect(retirementOf("grok-code-fast-1")).toMatchObject({ replacement: "grok-build-0.1" });
    expect(retirementOf("grok-imagine-image-quality")).toMatchObject({ retiresOn: "2026-11-02" });
    expect(retirementOf("grok-3-mini")).toBeUndefined();
    expect(retirementOf("grok-4.6")).toBeUndefined();
    expect(retirementOf("openai/grok-3")).toBeUndefined();
  });
});

describe("config + .env", () => {
  it("model settings: aliases, model.model, bare string, root-level provider", () => {
    expect(modelSettings({ model: { provider: "grok-oauth", model: "grok-4.5" } })).toMatchObject({ provider: "xai-oauth", model: "grok-4.5", modelKey: "model.model" });
    expect(modelSettings({ model: "grok-4.3", provider: "x.ai" })).toMatchObject({ provider: "xai", model: "grok-4.3", modelKey: "model" });
    expect(modelSettings({})).toMatchObject({ provider: "auto" });
    expect(normalizeProvider(" AUTO ")).toBe("auto");
  });

  it("model slots include fallbacks, auxiliary, delegation and Hermes' own slots", () => {
    const slots = modelSlots({
      model: { default: "grok-4.6" }, fallback_providers: [{ model: "a" }, "junk"], auxiliary: { vision: { model: "b" }, x: 1 },
      delegation: { model: "c" }, tts: { xai: { model: "d" } }, plugins: { image_gen: { xai: { model: "e" } } },
    });
    expect(slots.map(([p]) => p)).toEqual([
      "model.default", "fallback_providers[0].model", "auxiliary.vision.model", "delegation.model", "tts.xai.model", "plugins.image_gen.xai.model",
    ]);
  });

  it("auto resolution follows Hermes' order: OpenRouter keys, then registry keys, XAI_API_KEY last", () => {
    expect(autoProviderFromKeys((v) => v === "XAI_API_KEY")).toEqual({ provider: "xai", envVar: "XAI_API_KEY" });
    expect(autoProviderFromKeys((v) => v === "XAI_API_KEY" || v === "ANTHROPIC_API_KEY")).toEqual({ provider: "anthropic", envVar: "ANTHROPIC_API_KEY" });
    expect(autoProviderFromKeys((v) => v === "OPENAI_API_KEY")).toEqual({ provider: "openrouter", envVar: "OPENAI_API_KEY" });
    expect(autoProviderFromKeys(() => false)).toBeUndefined();
  });

  it(".env wins when non-empty; op:// defers to a resolved environment value", () => {
    expect(lookupPreferDotenv("K", { K: "file" }, { K: "env" })).toMatchObject({ value: "file", source: ".env", inDotenv: true, inEnvironment: true });
    expect(lookupPreferDotenv("K", { K: "  " }, { K: "env" })).toMatchObject({ value: "env", source: "environment" });
    expect(lookupPreferDotenv("K", { K: "op://v/i/f" }, { K: "resolved" })).toMatchObject({ value: "resolved", opReference: true });
    expect(lookupPreferDotenv("K", {}, {})).toMatchObject({ inDotenv: false, inEnvironment: false });
    expect(lookupPreferDotenv("K", {}, {}).value).toBeUndefined();
    expect(hasUsableSecret("changeme")).toBe(false);
    expect(hasUsableSecret("abc")).toBe(false);
    expect(hasUsableSecret("xai-1234")).toBe(true);
  });
});

describe("credential pool (credential_pool.py)", () => {
  const view = (over: Partial<XaiStoreView>): XaiStoreView => ({ stateFromRoot: false, pool: [], poolFromRoot: false, deviceCodeSuppressed: false, ...over });
  const now = 1_800_000_000;

  it("seeds the singleton as a device_code row after the existing rows", () => {
    const access = makeAccessToken({ email: "me@example.com" }, { nowSec: now });
    const r = resolvePool(view({
      state: { tokens: { access_token: access, refresh_token: "r" } },
      pool: [{ id: "m1", source: "manual:device_code", priority: 3, access_token: "a", refresh_token: "b" }],
    }), now);
    expect(r.rows.map((x) => [x.source, x.priority, x.label])).toEqual([["manual:device_code", 3, "manual:device_code"], ["device_code", 4, "me@example.com"]]);
    expect(r.selected?.source).toBe("manual:device_code");
  });

  it("does not seed when device_code is suppressed; prunes borrowed sources; drops duplicate device_code rows", () => {
    const r1 = resolvePool(view({ state: { tokens: { access_token: "a", refresh_token: "r" } }, deviceCodeSuppressed: true }), now);
    expect(r1.rows).toHaveLength(0);
    const r2 = resolvePool(view({
      state: { tokens: { access_token: "a", refresh_token: "r" } },
      pool: [
        { id: "1", source: "loopback_pkce", access_token: "x" },
        { id: "2", source: "device_code", access_token: "a" },
        { id: "3", source: "device_code", access_token: "a" },
      ],
    }), now);
    expect(r2.pruned).toEqual([{ index: 0, source: "loopback_pkce" }]);
    expect(r2.duplicates).toEqual([2]);
    expect(r2.rows.map((x) => x.id)).toEqual(["2"]);
  });

  it("exhausted cooldowns: 401 is 5 min; a sole transient failure is 60 s; billing keeps 1 h; reset_at wins", () => {
    const row = (o: Record<string, unknown>) => ({ id: "x", source: "manual", access_token: "a", last_status: "exhausted", last_status_at: now - 100, ...o });
    expect(resolvePool(view({ pool: [row({ last_error_code: 401 })] }), now).selected).toBeUndefined();
    expect(resolvePool(view({ pool: [row({ last_error_code: 429 })] }), now).selected?.id).toBe("x");
    expect(resolvePool(view({ pool: [row({ last_error_code: 402 })] }), now).selected).toBeUndefined();
    expect(resolvePool(view({ pool: [row({ last_error_code: 403, failure_reason: "billing" } as any)] }), now).selected).toBeUndefined();
    expect(resolvePool(view({ pool: [row({ last_error_code: 401, last_error_reset_at: now - 1 })] }), now).selected?.id).toBe("x");
    const two = [row({ id: "a", last_error_code: 429 }), { id: "b", source: "manual", access_token: "b", last_status: "dead" }];
    expect(resolvePool(view({ pool: two }), now).selected?.id).toBe("a"); // b is dead: a is still the sole live row
  });

  it("strategies from config.yaml", () => {
    expect(poolStrategyFrom({ credential_pool_strategies: { "xai-oauth": "Round_Robin" } })).toEqual({ strategy: "round_robin", configured: "round_robin" });
    expect(poolStrategyFrom({ credential_pool_strategies: { "xai-oauth": "fastest" } })).toEqual({ strategy: "fill_first", configured: "fastest" });
    expect(poolStrategyFrom({})).toEqual({ strategy: "fill_first" });
  });

  it("labels come from email / preferred_username / upn", () => {
    expect(labelFromToken(makeAccessToken({ email: undefined, preferred_username: "pu" } as any, { nowSec: now }), "device_code")).toBe("pu");
    expect(labelFromToken("opaque", "device_code")).toBe("device_code");
  });
});
