// The local checks through the real runner, against temp Hermes homes built as Hermes writes them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runChecks } from "../src/engine/runner.js";
import { SecretRegistry } from "../src/engine/secrets.js";
import type { RunRecord } from "../src/engine/types.js";
import type { DoctorServices } from "../checks/context.js";
import { localChecks, storePermissions } from "../checks/local.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import { quarantinedXaiState, writeHermesHome, xaiAuthStore, xaiPoolRow } from "../fixtures/hermes-store.js";

const STORES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/stores");
const NOW_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
const NOW_SEC = NOW_MS / 1000;

let tmp: string;
let userHome: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "hd-local-"));
  userHome = path.join(tmp, "user");
  await mkdir(userHome, { recursive: true });
});
afterEach(async () => {
  await chmod(tmp, 0o700).catch(() => {});
  await rm(tmp, { recursive: true, force: true });
});

interface Opts {
  home?: string;
  profile?: string;
  env?: Record<string, string>;
  issuer?: string;
  model?: string;
}

function services(o: Opts = {}): DoctorServices & { secrets: SecretRegistry } {
  return {
    options: {
      offline: true, readOnly: true, refresh: false,
      ...(o.home !== undefined ? { home: o.home } : {}),
      ...(o.profile !== undefined ? { profile: o.profile } : {}),
      ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
      ...(o.model !== undefined ? { model: o.model } : {}),
    },
    env: o.env ?? {},
    platform: "linux",
    userHome,
    now: () => NOW_MS,
    secrets: new SecretRegistry(),
    http: () => Promise.reject(new Error("local checks never use the network")),
  };
}

type Records = Record<string, RunRecord>;
async function run(o: Opts = {}): Promise<{ r: Records; secrets: SecretRegistry }> {
  const s = services(o);
  const summary = await runChecks(localChecks, { services: s, timeoutMs: 10_000 });
  return { r: Object.fromEntries(summary.records.map((x) => [x.id, x])), secrets: s.secrets };
}

const statuses = (r: Records) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.status]));

/** No secret may appear in what a report shows. */
function expectNoSecrets(r: Records, secrets: (string | undefined)[]) {
  const shown = JSON.stringify(Object.values(r).map(({ summary, details, fixes }) => ({ summary, details, fixes })));
  for (const s of secrets) if (s) expect(shown).not.toContain(s);
}

function tokens(claims: Record<string, unknown> = {}, opts: { lifetimeSec?: number; issuedAgoSec?: number } = {}) {
  return {
    access_token: makeAccessToken(claims, { nowSec: NOW_SEC - (opts.issuedAgoSec ?? 600), lifetimeSec: opts.lifetimeSec ?? 21_600 }),
    refresh_token: makeOpaqueToken("rt"),
    id_token: makeOpaqueToken("idt"),
  };
}

const XAI_CONFIG = "model:\n  provider: xai-oauth\n  default: grok-4.6\n  base_url: https://api.x.ai/v1\n";

describe("healthy", () => {
  it("a logged-in store passes every local check, and no token is shown", async () => {
    const t = tokens();
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(t), config: XAI_CONFIG });
    const { r, secrets } = await run({ home });
    expect(statuses(r)).toEqual({
      "store.home": "pass", "store.recover": "pass", "store.file": "pass", "store.parse": "pass", "store.permissions": "pass",
      "xai.state": "pass", "xai.credential": "pass", "config.provider": "pass", "config.route": "skip", "config.model": "pass",
      "token.claims": "pass", "token.expiry": "pass", "token.forks": "pass",
    });
    expect(r["token.expiry"]!.summary).toContain("5h 50m left");
    expect(r["xai.credential"]!.summary).toContain("user@example.com");
    expect(secrets.values()).toEqual(expect.arrayContaining([t.access_token, t.refresh_token, t.id_token]));
    expectNoSecrets(r, [t.access_token, t.refresh_token, t.id_token]);
  });

  it("passes the credential to dependants: pool row, store path, token endpoint", async () => {
    const t = tokens();
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(t) });
    const s = services({ home });
    const outcome = await runChecks(localChecks, { services: s, timeoutMs: 10_000 });
    expect(outcome.records.find((x) => x.id === "xai.credential")!.status).toBe("pass");
    // Data is private: re-run xai.credential's chain and read it through a probe check.
    const seen: unknown[] = [];
    await runChecks([...localChecks, {
      id: "probe.data", title: "", layer: "test", description: "", dependsOn: ["xai.credential", "config.model"],
      run: async (ctx) => { seen.push(ctx.data("xai.credential"), ctx.data("config.model")); return { status: "pass", summary: "" }; },
    }], { services: services({ home }), timeoutMs: 10_000 });
    expect(seen[0]).toMatchObject({
      accessToken: t.access_token, refreshToken: t.refresh_token, idToken: t.id_token, source: "pool", poolRowId: "a1b2c3",
      storePath: path.join(home, "auth.json"), fromRoot: false, tokenEndpoint: "https://auth.x.ai/oauth2/token",
    });
    expect(seen[1]).toEqual({ model: "grok-4.6", source: "default" });
  });
});

describe("store.file", () => {
  it("no auth.json: not logged in, dependants skipped, config still checked", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), {});
    const { r } = await run({ home });
    expect(r["store.file"]).toMatchObject({ status: "fail", code: "not_logged_in" });
    expect(r["store.file"]!.fixes![0]!.command).toBe("hermes auth add xai-oauth");
    expect(r["xai.state"]!.status).toBe("skip");
    expect(r["token.expiry"]!.status).toBe("skip");
    expect(r["config.provider"]!.status).toBe("pass");
  });

  it("auth.json is a directory: store_unreadable, never not_logged_in", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), {});
    await mkdir(path.join(home, "auth.json"));
    const { r } = await run({ home });
    expect(r["store.file"]).toMatchObject({ status: "fail", code: "store_unreadable" });
    expect(r["store.file"]!.summary).toContain("directory");
  });

  it.skipIf(process.getuid?.() === 0)("EACCES: store_unreadable with the chown/chmod fix", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), authMode: 0o000 });
    const { r } = await run({ home });
    expect(r["store.file"]).toMatchObject({ status: "fail", code: "store_unreadable" });
    expect(r["store.file"]!.fixes![0]!.command).toContain("chmod 600");
  });

  it("a UTF-8 BOM is fine (Hermes reads utf-8-sig)", async () => {
    const t = tokens();
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: `\uFEFF${JSON.stringify(xaiAuthStore(t), null, 2)}` });
    const { r } = await run({ home });
    expect(r["store.file"]!.status).toBe("pass");
    expect(String(r["store.file"]!.details!.encoding)).toContain("BOM");
    expect(r["store.parse"]!.status).toBe("pass");
    expect(r["token.claims"]!.status).toBe("pass");
  });

  it("invalid UTF-8: store_corrupt, says Hermes moves it aside", async () => {
    const json = Buffer.from(JSON.stringify(xaiAuthStore(tokens())));
    const bad = Buffer.concat([json.subarray(0, 20), Buffer.from([0xff, 0xfe]), json.subarray(20)]);
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: bad });
    const { r } = await run({ home });
    expect(r["store.file"]).toMatchObject({ status: "fail", code: "store_corrupt" });
    expect(r["store.file"]!.summary).toContain("auth.json.corrupt");
    expect(r["store.file"]!.details!.badByteOffset).toBe(20);
  });
});

describe("store.parse", () => {
  const fixture = (name: string) => readFile(path.join(STORES, name), "utf8");

  it("invalid JSON: store_corrupt with the position, never the content", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: await fixture("invalid.json") });
    const { r } = await run({ home });
    expect(r["store.parse"]).toMatchObject({ status: "fail", code: "store_corrupt" });
    expect(r["store.parse"]!.summary).toContain("line 12, column 3");
    expect(r["store.parse"]!.details!.hermes).toContain("auth.json.corrupt");
    expectNoSecrets(r, ["opaque-invalid-access-0001", "opaque-invalid-refresh-0001"]);
  });

  it("a JSON array loads as an empty store in Hermes: store_corrupt", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: await fixture("array.json") });
    const { r } = await run({ home });
    expect(r["store.parse"]).toMatchObject({ status: "fail", code: "store_corrupt" });
    expect(r["store.parse"]!.summary).toContain("an array");
    expect(r["store.parse"]!.summary).toContain("silently");
  });

  it("a string, or an object whose providers is not an object: store_corrupt", async () => {
    for (const name of ["string.json", "no-providers.json"]) {
      const home = await writeHermesHome(path.join(tmp, name), { auth: await fixture(name) });
      const { r } = await run({ home });
      expect(r["store.parse"], name).toMatchObject({ status: "fail", code: "store_corrupt" });
    }
  });

  it("unknown top-level keys: warn, then no xAI login", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: await fixture("unknown-keys.json") });
    const { r } = await run({ home });
    expect(r["store.parse"]).toMatchObject({ status: "warn", code: "unknown_top_level_keys" });
    expect(r["store.parse"]!.summary).toContain("written_by");
    expect(r["xai.state"]).toMatchObject({ status: "fail", code: "not_logged_in" });
  });

  it("a leftover auth.json.corrupt is reported", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()) });
    await writeFile(path.join(home, "auth.json.corrupt"), "{broken");
    const { r } = await run({ home });
    expect(r["store.parse"]).toMatchObject({ status: "warn", code: "corrupt_backup_present" });
    expect(r["xai.credential"]!.status).toBe("pass");
  });

  it("the legacy systems layout keeps no xAI login", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: await fixture("legacy-systems.json") });
    const { r } = await run({ home });
    expect(r["store.parse"]).toMatchObject({ status: "warn", code: "legacy_store_layout" });
    expect(r["xai.state"]).toMatchObject({ status: "fail", code: "not_logged_in" });
  });
});

describe("store.permissions", () => {
  it("0644 store in a 0755 folder: warn with the exact chmod fixes", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), authMode: 0o644, dirMode: 0o755 });
    const { r } = await run({ home });
    const p = r["store.permissions"]!;
    expect(p).toMatchObject({ status: "warn", code: "store_mode_too_open" });
    expect(p.fixes!.map((f) => f.command)).toEqual([`chmod 600 '${path.join(home, "auth.json")}'`, `chmod 700 '${home}'`]);
    expect(p.details).toMatchObject({ mode: "0644", dirMode: "0755" });
  });

  it("summaries show ~ for paths under the user's home", async () => {
    const home = await writeHermesHome(path.join(userHome, ".hermes"), { auth: xaiAuthStore(tokens()), authMode: 0o640 });
    const { r } = await run();
    expect(r["store.home"]!.summary).toContain("~/.hermes");
    expect(r["store.permissions"]!.summary).toContain("~/.hermes/auth.json is 0640");
    expect(r["store.permissions"]!.fixes![0]!.command).toBe(`chmod 600 '${path.join(home, "auth.json")}'`);
  });

  it("is skipped on Windows", async () => {
    const s = { ...services(), platform: "win32" as const };
    const ctx = { services: s, signal: new AbortController().signal, deadline: NOW_MS + 1000, data: () => undefined, result: () => undefined };
    expect(await storePermissions.run(ctx as any)).toMatchObject({ status: "skip", code: "not_applicable" });
  });
});

describe("xai.state", () => {
  it("quarantined login (last_auth_error, tokens removed): session_quarantined", async () => {
    const store = { version: 1, providers: { "xai-oauth": quarantinedXaiState() }, active_provider: "xai-oauth", credential_pool: {} };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    const s = r["xai.state"]!;
    expect(s).toMatchObject({ status: "fail", code: "session_quarantined" });
    expect(s.summary).toContain("xai_refresh_failed");
    expect(s.summary).toContain("2026-11-27T16:00");
    expect(s.fixes![0]!.command).toBe("hermes auth add xai-oauth");
    expect(r["xai.credential"]!.status).toBe("skip");
  });

  it("a quarantined singleton with a surviving manual pool row: warn, and the manual row is used", async () => {
    const t = tokens();
    const store = {
      version: 1, providers: { "xai-oauth": quarantinedXaiState() },
      credential_pool: { "xai-oauth": [xaiPoolRow(t, { source: "manual:device_code", label: "second", id: "bbbbbb" })] },
    };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "warn", code: "singleton_quarantined" });
    expect(r["xai.credential"]!.summary).toContain("'second'");
  });

  it("tokens is a string: state_invalid with the path, not the value", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: await readFile(path.join(STORES, "tokens-string.json"), "utf8") });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "fail", code: "state_invalid" });
    expect(r["xai.state"]!.summary).toContain('providers["xai-oauth"].tokens');
    expectNoSecrets(r, ["opaque-tokens-as-a-string-0001"]);
  });

  it("a pool row with a numeric access_token: state_invalid", async () => {
    const store = xaiAuthStore(tokens());
    (store.credential_pool as any)["xai-oauth"][0].access_token = 12345;
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "fail", code: "state_invalid" });
    expect(r["xai.state"]!.summary).toContain('credential_pool["xai-oauth"][0].access_token');
  });

  it("legacy oauth_pkce login with a loopback_pkce row: recognised, the row is pruned, the singleton is seeded", async () => {
    const t = tokens();
    const store = xaiAuthStore(t, { authMode: "oauth_pkce", pool: "none" });
    (store.providers as any)["xai-oauth"].redirect_uri = "http://127.0.0.1:56121/callback";
    store.credential_pool = { "xai-oauth": [xaiPoolRow(t, { source: "loopback_pkce", id: "0ld0ld" })] };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "warn", code: "legacy_pkce_login" });
    expect(r["xai.state"]!.summary).toContain("loopback_pkce");
    const c = r["xai.credential"]!;
    expect(c.status).toBe("pass");
    expect(c.summary).toContain("device_code");
    expect(c.summary).toContain("seeded from the singleton");
    expect(c.details!.prunedOnLoad).toEqual(["row 0 (source loopback_pkce)"]);
  });

  it("only a loopback_pkce row and no singleton: not logged in for current Hermes", async () => {
    const store = { version: 1, providers: {}, credential_pool: { "xai-oauth": [xaiPoolRow(tokens(), { source: "loopback_pkce" })] } };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "fail", code: "not_logged_in" });
    expect(r["xai.state"]!.summary).toContain("PR #57311");
  });

  it("a manual:xai_pkce row is recognised as legacy and still used", async () => {
    const t = tokens();
    const store = { version: 1, providers: {}, credential_pool: { "xai-oauth": [xaiPoolRow(t, { source: "manual:xai_pkce", label: "old" })] } };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "warn", code: "legacy_pkce_login" });
    expect(r["xai.credential"]!.summary).toContain("'old' (manual:xai_pkce");
  });

  it("suppressed device_code is reported", async () => {
    const store = { ...xaiAuthStore(tokens(), { pool: "none" }), suppressed_sources: { "xai-oauth": ["device_code"] } };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.state"]).toMatchObject({ status: "warn", code: "device_code_suppressed" });
    expect(r["xai.credential"]!.summary).toContain("singleton");
  });
});

describe("xai.credential", () => {
  it("a singleton with an empty pool: Hermes seeds a device_code row; the tokens are the singleton's", async () => {
    const t = tokens();
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(t, { pool: "none" }) });
    const seen: any[] = [];
    const out = await runChecks([...localChecks, {
      id: "probe.data", title: "", layer: "test", description: "", dependsOn: ["xai.credential"],
      run: async (ctx) => { seen.push(ctx.data("xai.credential")); return { status: "pass", summary: "" }; },
    }], { services: services({ home }), timeoutMs: 10_000 });
    expect(out.records.find((x) => x.id === "xai.credential")!.summary).toContain("seeded from the singleton");
    expect(seen[0]).toMatchObject({ source: "singleton", rowSource: "device_code", accessToken: t.access_token, storePath: path.join(home, "auth.json") });
    expect(seen[0].poolRowId).toBeUndefined();
  });

  it("every pool row dead and the singleton is the same grant: session_quarantined", async () => {
    const t = tokens();
    const store = xaiAuthStore(t);
    Object.assign((store.credential_pool as any)["xai-oauth"][0], { last_status: "dead", last_status_at: NOW_SEC - 60, last_error_code: 401, last_error_reason: "invalid_grant" });
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.credential"]).toMatchObject({ status: "fail", code: "session_quarantined" });
    expect(r["xai.credential"]!.summary).toContain("invalid_grant");
  });

  it("a dead row whose singleton has a newer pair is revived (Hermes syncs it on load)", async () => {
    const old = tokens();
    const fresh = tokens({ jti: "after-relogin" });
    const store = xaiAuthStore(fresh);
    (store.credential_pool as any)["xai-oauth"] = [xaiPoolRow(old, { last_status: "dead", last_error_reason: "invalid_grant" })];
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.credential"]!.status).toBe("pass");
    expect((r["xai.credential"]!.details!.rows as any[])[0].fromSingleton).toBe("synced");
  });

  it("exhausted rows still cooling down: warn pool_exhausted", async () => {
    const t = tokens();
    const store = xaiAuthStore(t, { pool: "none" });
    store.providers = {};
    store.credential_pool = { "xai-oauth": [xaiPoolRow(t, { source: "manual:device_code", last_status: "exhausted", last_status_at: NOW_SEC - 30, last_error_code: 429 })] };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.credential"]).toMatchObject({ status: "warn", code: "pool_exhausted" });
    // A sole credential's transient cooldown is 60 s (credential_pool.py EXHAUSTED_TTL_SOLE_CREDENTIAL_SECONDS).
    expect(r["xai.credential"]!.summary).toContain("2026-11-28T12:00:30.000Z");
  });

  it("lowest priority wins (fill_first); a missing refresh token warns", async () => {
    const a = tokens();
    const b = { ...tokens(), refresh_token: "" };
    const store = {
      version: 1, providers: {},
      credential_pool: { "xai-oauth": [
        xaiPoolRow(a, { id: "aaaaaa", label: "later", priority: 1, source: "manual:device_code" }),
        xaiPoolRow(b, { id: "bbbbbb", label: "first", priority: 0, source: "manual:device_code", refresh_token: null }),
      ] },
    };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    const { r } = await run({ home });
    expect(r["xai.credential"]).toMatchObject({ status: "warn", code: "refresh_token_missing" });
    expect(r["xai.credential"]!.summary).toContain("'first'");
  });

  it("least_used from config.yaml picks the row with the fewest requests", async () => {
    const store = {
      version: 1, providers: {},
      credential_pool: { "xai-oauth": [
        xaiPoolRow(tokens(), { id: "aaaaaa", label: "busy", priority: 0, source: "manual:device_code", request_count: 50 }),
        xaiPoolRow(tokens(), { id: "bbbbbb", label: "idle", priority: 1, source: "manual:device_code", request_count: 2 }),
      ] },
    };
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store, config: "credential_pool_strategies:\n  xai-oauth: least_used\n" });
    const { r } = await run({ home });
    expect(r["xai.credential"]!.summary).toContain("'idle'");
    expect(r["xai.credential"]!.details!.strategy).toBe("least_used");
  });
});

describe("profiles", () => {
  it("a profile without auth.json falls back to the root store (profile_fallback, the intended layout)", async () => {
    const t = tokens();
    const root = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(t) });
    await writeHermesHome(path.join(root, "profiles", "work"), { config: XAI_CONFIG });
    const s = services({ home: root, profile: "work" });
    const seen: any[] = [];
    const out = await runChecks([...localChecks, {
      id: "probe.data", title: "", layer: "test", description: "", dependsOn: ["xai.credential"],
      run: async (ctx) => { seen.push(ctx.data("xai.credential")); return { status: "pass", summary: "" }; },
    }], { services: s, timeoutMs: 10_000 });
    const r = Object.fromEntries(out.records.map((x) => [x.id, x]));
    expect(r["store.home"]!.summary).toContain("profile 'work'");
    expect(r["store.file"]).toMatchObject({ status: "pass", code: "profile_fallback" });
    expect(r["xai.credential"]!.status).toBe("pass");
    expect(seen[0]).toMatchObject({ fromRoot: true, storePath: path.join(root, "auth.json") });
  });

  it("providers fall back per provider; the pool falls back only when the profile has no rows", async () => {
    const rootTokens = tokens({ email: "root@example.com" });
    const root = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(rootTokens) });
    // The profile's own store has another provider and an empty xai pool list.
    const profileStore = { version: 1, providers: { nous: { access_token: "x" } }, credential_pool: { "xai-oauth": [] } };
    await writeHermesHome(path.join(root, "profiles", "work"), { auth: profileStore });
    const { r } = await run({ home: root, profile: "work" });
    expect(r["store.file"]!.status).toBe("pass");
    expect(r["xai.state"]!.details).toMatchObject({ singleton: { from: "root" }, poolFrom: "root" });
    expect(r["xai.credential"]!.summary).toContain("from the root store");
  });

  it("a profile with its own pool rows shadows the root pool", async () => {
    const mine = tokens();
    const root = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()) });
    const profileStore = {
      version: 1, providers: {},
      credential_pool: { "xai-oauth": [xaiPoolRow(mine, { id: "pppppp", label: "profile-own", source: "manual:device_code", priority: 0 })] },
    };
    await writeHermesHome(path.join(root, "profiles", "work"), { auth: profileStore });
    const { r } = await run({ home: root, profile: "work" });
    expect(r["xai.state"]!.details).toMatchObject({ poolFrom: "profile", singleton: { from: "root" } });
    expect(r["xai.credential"]!.summary).toContain("'profile-own'");
    expect(r["xai.credential"]!.summary).not.toContain("from the root store");
  });

  it("the sticky active_profile is honoured and reported", async () => {
    const root = await writeHermesHome(path.join(userHome, ".hermes"), { activeProfile: "work\n" });
    await writeHermesHome(path.join(root, "profiles", "work"), { auth: xaiAuthStore(tokens()) });
    const { r } = await run();
    expect(r["store.home"]!.status).toBe("pass");
    expect(r["store.home"]!.summary).toContain("sticky active profile 'work'");
    expect(String((r["store.home"]!.details!.notes as string[])[0])).toContain("[HERMES_HOME fallback]");
    expect(r["store.file"]!.summary).toContain("~/.hermes/profiles/work/auth.json");
  });

  it("active_profile 'default' means the root", async () => {
    await writeHermesHome(path.join(userHome, ".hermes"), { activeProfile: "default", auth: xaiAuthStore(tokens()) });
    const { r } = await run();
    expect(r["store.home"]!.details!.profile).toBeUndefined();
    expect(r["store.file"]!.status).toBe("pass");
  });

  it("HERMES_HOME pointing at a profile is that profile (no sticky lookup)", async () => {
    const root = await writeHermesHome(path.join(tmp, "data"), { activeProfile: "other", config: "" });
    const work = await writeHermesHome(path.join(root, "profiles", "work"), { auth: xaiAuthStore(tokens()) });
    const { r } = await run({ env: { HERMES_HOME: work } });
    expect(r["store.home"]!.details).toMatchObject({ profile: "work", profileSource: "home_path", root });
  });

  it("a profile name with a path separator fails clearly", async () => {
    const { r } = await run({ home: path.join(tmp, "hermes"), profile: "../evil" });
    expect(r["store.home"]).toMatchObject({ status: "fail", code: "profile_invalid" });
    expect(r["store.home"]!.summary).toContain("not a path");
  });

  it("a profile that does not exist: warn, Hermes refuses to start with it", async () => {
    const root = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()) });
    const { r } = await run({ home: root, profile: "ghost" });
    expect(r["store.home"]).toMatchObject({ status: "warn", code: "profile_missing" });
    expect(r["store.home"]!.fixes![0]!.command).toBe("hermes profile create ghost");
  });
});

describe("token.claims / token.expiry", () => {
  async function withToken(access: string, refresh: string | null = makeOpaqueToken("rt")) {
    const store = xaiAuthStore({ access_token: access, refresh_token: refresh ?? "" });
    if (refresh === null) {
      delete (store.providers as any)["xai-oauth"].tokens.refresh_token;
      delete (store.credential_pool as any)["xai-oauth"][0].refresh_token;
    }
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: store });
    return (await run({ home })).r;
  }

  it("a non-JWT token warns token_not_jwt; expiry is skipped, nothing crashes", async () => {
    const opaque = makeOpaqueToken("xai-opaque");
    const r = await withToken(opaque);
    expect(r["token.claims"]).toMatchObject({ status: "warn", code: "token_not_jwt" });
    expect(r["token.expiry"]!.status).toBe("skip");
    expect(r["token.expiry"]!.summary).toContain("never");
    expectNoSecrets(r, [opaque]);
  });

  it("an expired token: token_expired, Hermes refreshes it on the next request", async () => {
    const r = await withToken(makeAccessToken({}, { nowSec: NOW_SEC - 10 * 3600, lifetimeSec: 21_600 }));
    expect(r["token.expiry"]).toMatchObject({ status: "warn", code: "token_expired" });
    expect(r["token.expiry"]!.summary).toContain("expired 4h ago");
    expect(r["token.expiry"]!.summary).toContain("will refresh it on the next request");
  });

  it("no refresh token anywhere, expired or not: Hermes refuses the login (xai_auth_missing_refresh_token)", async () => {
    for (const nowSec of [NOW_SEC - 10 * 3600, NOW_SEC]) {
      const r = await withToken(makeAccessToken({}, { nowSec }), null);
      expect(r["xai.state"]).toMatchObject({ status: "fail", code: "state_invalid", details: { hermesError: "xai_auth_missing_refresh_token" } });
      expect(r["xai.state"]!.summary).toContain("xAI OAuth state is missing refresh_token");
      expect(r["xai.state"]!.fixes![0]!.command).toBe("hermes auth add xai-oauth");
      expect(r["token.expiry"]!.status).toBe("skip");
    }
  });

  it("a 6 h token with 50 minutes left is inside Hermes' 1 h window: due", async () => {
    const r = await withToken(makeAccessToken({}, { nowSec: NOW_SEC - (21_600 - 3000), lifetimeSec: 21_600 }));
    expect(r["token.expiry"]).toMatchObject({ status: "pass", code: "token_refresh_due" });
    expect(r["token.expiry"]!.summary).toContain("50m left");
  });

  it("with 30 minutes left the skew drops to 120 s, so Hermes waits (its own rule, whatever the lifetime)", async () => {
    const r = await withToken(makeAccessToken({}, { nowSec: NOW_SEC - (21_600 - 1800), lifetimeSec: 21_600 }));
    expect(r["token.expiry"]!.status).toBe("pass");
    expect(r["token.expiry"]!.details).toMatchObject({ refreshSkew: "120 s", refreshDue: false });
  });

  it("adaptive skew: a 15-minute token with 10 minutes left is not due (120 s skew)", async () => {
    const r = await withToken(makeAccessToken({}, { nowSec: NOW_SEC - 300, lifetimeSec: 900 }));
    expect(r["token.expiry"]!.status).toBe("pass");
    expect(r["token.expiry"]!.code).toBeUndefined();
    expect(r["token.expiry"]!.details).toMatchObject({ refreshSkew: "120 s", refreshDue: false });
  });

  it("adaptive skew: 100 s left is due", async () => {
    const r = await withToken(makeAccessToken({}, { nowSec: NOW_SEC - 800, lifetimeSec: 900 }));
    expect(r["token.expiry"]).toMatchObject({ status: "pass", code: "token_refresh_due" });
  });

  it("iat far in the future: the clock is suspect", async () => {
    const r = await withToken(makeAccessToken({}, { nowSec: NOW_SEC + 3600, lifetimeSec: 21_600 }));
    expect(r["token.expiry"]).toMatchObject({ status: "warn", code: "token_iat_in_future" });
  });

  it("no api:access scope: the token cannot call the API", async () => {
    const r = await withToken(makeAccessToken({ scope: "openid profile email offline_access" }, { nowSec: NOW_SEC - 60 }));
    expect(r["token.claims"]).toMatchObject({ status: "warn", code: "scope_missing_api_access" });
  });

  it("issuer and audience are checked (with the --issuer override)", async () => {
    const t = makeAccessToken({ iss: "https://127.0.0.1:8443", aud: "someone-else", client_id: "someone-else" }, { nowSec: NOW_SEC - 60 });
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore({ access_token: t, refresh_token: makeOpaqueToken("rt") }) });
    const { r } = await run({ home, issuer: "https://127.0.0.1:8443/" });
    expect(r["token.claims"]).toMatchObject({ status: "warn", code: "token_audience_unexpected" });
    const { r: r2 } = await run({ home });
    expect(r2["token.claims"]).toMatchObject({ status: "warn", code: "token_issuer_unexpected" });
  });

  it("reports principal, team and tier claims", async () => {
    const r = await withToken(makeAccessToken({ tier: 3 }, { nowSec: NOW_SEC - 60 }));
    expect(r["token.claims"]!.details).toMatchObject({ principal_type: "User", tier: 3, team_id: "0d9b3f62-7c11-4a8e-b5aa-000000000002" });
  });
});

describe("config.provider / config.model", () => {
  it("XAI_API_KEY in .env preempts the OAuth login when the provider is auto", async () => {
    const key = "xai-dotenvkey-0123456789abcdef";
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), env: `XAI_API_KEY=${key}\n` });
    const { r, secrets } = await run({ home });
    const p = r["config.provider"]!;
    expect(p).toMatchObject({ status: "warn", code: "api_key_preempts_oauth" });
    expect(p.summary).toContain("Provider resolved to 'xai' via XAI_API_KEY, preempting your logged-in OAuth provider 'xai-oauth'");
    expect(p.fixes![0]!.command).toBe("hermes config set model.provider xai-oauth");
    expect((p.details!.XAI_API_KEY as any).source).toBe(".env");
    expect(secrets.values()).toContain(key);
    expectNoSecrets(r, [key]);
  });

  it(".env beats the environment; both are reported", async () => {
    const fileKey = "xai-fromfile-0123456789abcdef";
    const envKey = "xai-fromenv-0123456789abcdef";
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), config: XAI_CONFIG, env: `XAI_API_KEY="${fileKey}"\n` });
    const s = services({ home, env: { XAI_API_KEY: envKey } });
    const seen: any[] = [];
    const out = await runChecks([...localChecks, {
      id: "probe.data", title: "", layer: "test", description: "", dependsOn: ["config.provider"],
      run: async (ctx) => { seen.push(ctx.data("config.provider")); return { status: "pass", summary: "" }; },
    }], { services: s, timeoutMs: 10_000 });
    const p = out.records.find((x) => x.id === "config.provider")!;
    expect(p.status).toBe("pass");
    expect((p.details!.XAI_API_KEY as any).source).toBe("both");
    expect(seen[0]).toMatchObject({ apiKey: fileKey, apiKeySource: ".env", provider: "xai-oauth" });
    expectNoSecrets(Object.fromEntries(out.records.map((x) => [x.id, x])), [fileKey, envKey]);
  });

  it("an XAI_API_KEY only in the environment also preempts", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()) });
    const { r } = await run({ home, env: { XAI_API_KEY: "xai-envonly-0123456789abcdef" } });
    expect(r["config.provider"]).toMatchObject({ status: "warn", code: "api_key_preempts_oauth" });
  });

  it("a provider pinned elsewhere: Hermes does not use the OAuth login", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), config: "model:\n  provider: grok\n  default: grok-4.3\n" });
    const { r } = await run({ home });
    expect(r["config.provider"]).toMatchObject({ status: "warn", code: "provider_not_oauth" });
    expect(r["config.provider"]!.summary).toContain("API-key provider");
  });

  it("unparseable config.yaml: warn with the line number", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), config: "model:\n  provider: xai-oauth\n   default: [grok\n" });
    const { r } = await run({ home });
    expect(r["config.provider"]).toMatchObject({ status: "warn", code: "config_unreadable" });
    expect(r["config.provider"]!.summary).toMatch(/line \d+/);
  });

  it("retired models anywhere relevant: warn with the migration guide", async () => {
    const config = [
      "model:", "  provider: xai-oauth", "  default: grok-3",
      "fallback_providers:", "  - provider: xai", "    model: grok-4-fast-reasoning",
      "auxiliary:", "  vision:", "    model: x-ai/grok-4-1-fast-non-reasoning",
      "delegation:", "  model: grok-code-fast-1", "",
    ].join("\n");
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), config });
    const { r } = await run({ home });
    const m = r["config.model"]!;
    expect(m).toMatchObject({ status: "warn", code: "retired_model" });
    expect(m.summary).toContain("model.default is grok-3");
    expect((m.details!.retired as any[]).map((x) => x.slot)).toEqual([
      "model.default", "fallback_providers[0].model", "auxiliary.vision.model", "delegation.model",
    ]);
    expect(m.fixes!.at(-1)!.text).toContain("https://docs.x.ai/developers/migration/may-15-retirement");
  });

  it("the default model is grok-4.6; grok-build-0.1's reported EOL is only a note", async () => {
    const home = await writeHermesHome(path.join(tmp, "hermes"), { auth: xaiAuthStore(tokens()), config: "model:\n  provider: xai-oauth\n  model: grok-build-0.1\n" });
    const { r } = await run({ home });
    expect(r["config.model"]!.status).toBe("pass");
    expect(r["config.model"]!.summary).toContain("grok-build-0.1");
    expect((r["config.model"]!.details!.notes as string[])[0]).toContain("2026-11-19");
    const bare = await writeHermesHome(path.join(tmp, "bare"), { auth: xaiAuthStore(tokens()) });
    const { r: r2 } = await run({ home: bare });
    expect(r2["config.model"]!.summary).toContain("grok-4.6");
  });
});
