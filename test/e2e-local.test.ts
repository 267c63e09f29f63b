// The local verdicts through the built CLI, exactly as a user runs it (--offline: nothing is sent).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseJson, ROOT, runCli } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { quarantinedXaiState, writeHermesHome, xaiAuthStore, xaiPoolRow } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

const tokens = () => ({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt"), id_token: makeAccessToken({ email: "u@example.com" }) });
const doctor = (args: string[], env: Record<string, string> = {}) => runCli(["xai", "--offline", "--json", ...args], { env: { HOME: sb.userHome, ...env } });
const byId = (report: any) => Object.fromEntries(report.checks.map((c: any) => [c.id, c]));

describe("hermes-doctor xai --offline (local verdicts)", () => {
  it("a machine without Hermes: not_logged_in, exit 10, nothing sent (no --offline needed)", async () => {
    const run = await runCli(["xai", "--json"], { env: { HOME: sb.userHome } });
    const report = parseJson(run);
    expect(run.code).toBe(10);
    expect(report.verdict.code).toBe("not_logged_in");
    expect(report.facets.login).toBe("failed");
    const checks = byId(report);
    expect(checks["net.endpoints"].status).toBe("skip");
    expect(checks["net.api"].status).toBe("skip");
    expect(run.stderr).toBe("");
  });

  it("a healthy store: local_ok, exit 0, login and entitlement unknown (xAI not asked)", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    const run = await doctor([]);
    const report = parseJson(run);
    expect(run.code).toBe(0);
    expect(report).toMatchObject({ schemaVersion: 1, verdict: { code: "local_ok", severity: "ok" }, facets: { store: "ok", login: "unknown", entitlement: "unknown", network: "not_checked" } });
    for (const id of ["store.home", "store.file", "store.parse", "store.permissions", "xai.state", "xai.credential", "token.claims", "token.expiry"]) {
      expect(byId(report)[id].status, id).toBe("pass");
    }
    expect(byId(report)["net.api"]).toMatchObject({ status: "skip", code: "offline" });
  });

  it("HERMES_HOME is honoured, --home beats it", async () => {
    const other = path.join(sb.dir, "elsewhere");
    await writeHermesHome(other, { auth: xaiAuthStore(tokens()) });
    expect(parseJson(await doctor([], { HERMES_HOME: other })).verdict.code).toBe("local_ok");
    expect(parseJson(await doctor(["--home", path.join(sb.dir, "empty")], { HERMES_HOME: other })).verdict.code).toBe("not_logged_in");
  });

  it("a store with a UTF-8 BOM is read as Hermes reads it (utf-8-sig)", async () => {
    await writeHermesHome(sb.hermes, { auth: `\uFEFF${JSON.stringify(xaiAuthStore(tokens()), null, 2)}` });
    const run = await doctor([]);
    expect(parseJson(run).verdict.code).toBe("local_ok");
    expect(run.code).toBe(0);
  });

  it("an unreadable store is store_unreadable, never 'not logged in'", async () => {
    await mkdir(path.join(sb.hermes, "auth.json"), { recursive: true });
    const run = await doctor([]);
    expect(parseJson(run).verdict.code).toBe("store_unreadable");
    expect(run.code).toBe(10);
  });

  it("a FIFO in place of auth.json is store_unreadable, and cannot hang the doctor", async () => {
    await mkdir(sb.hermes, { recursive: true });
    execFileSync("mkfifo", [path.join(sb.hermes, "auth.json")]);
    const run = await doctor(["--timeout", "5000"]);
    expect(parseJson(run).verdict.code).toBe("store_unreadable");
    expect(run.durationMs).toBeLessThan(4000);
  });

  it.each([
    ["invalid JSON", "{\"providers\": {\"xai-oauth\": "],
    ["a JSON array", "[1, 2, 3]"],
    ["an object without providers or credential_pool", "{\"version\": 1, \"hello\": true}"],
  ])("%s is store_corrupt, exit 10", async (_name, text) => {
    await writeHermesHome(sb.hermes, { auth: text });
    const run = await doctor([]);
    const report = parseJson(run);
    expect(report.verdict.code).toBe("store_corrupt");
    expect(report.verdict.evidence).toContain("store.parse");
    expect(run.code).toBe(10);
  });

  it("invalid UTF-8 is store_corrupt", async () => {
    await writeHermesHome(sb.hermes, { auth: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) as unknown as string });
    expect(parseJson(await doctor([])).verdict.code).toBe("store_corrupt");
  });

  it("a 0644 store warns with the exact chmod fix; --strict makes that exit 1", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()), authMode: 0o644 });
    const run = await doctor([]);
    const report = parseJson(run);
    expect(run.code).toBe(0);
    const perm = byId(report)["store.permissions"];
    expect(perm.status).toBe("warn");
    expect(JSON.stringify(perm.fixes)).toContain(`chmod 600 '${path.join(sb.hermes, "auth.json")}'`);
    expect((await doctor(["--strict"])).code).toBe(1);
  });

  it("a malformed xai-oauth entry is state_invalid", async () => {
    const store = xaiAuthStore(tokens()) as any;
    store.providers["xai-oauth"].tokens = "not an object";
    store.credential_pool = {};
    await writeHermesHome(sb.hermes, { auth: store });
    const run = await doctor([]);
    expect(parseJson(run).verdict.code).toBe("state_invalid");
    expect(run.code).toBe(10);
  });

  it("a login Hermes quarantined is session_quarantined, exit 11", async () => {
    await writeHermesHome(sb.hermes, { auth: { version: 1, providers: { "xai-oauth": quarantinedXaiState() }, credential_pool: {} } });
    const run = await doctor([]);
    const report = parseJson(run);
    expect(report.verdict.code).toBe("session_quarantined");
    expect(report.facets.login).toBe("failed");
    expect(report.verdict.fixes.map((f: any) => f.command)).toContain("hermes auth add xai-oauth");
    expect(run.code).toBe(11);
  });

  it("legacy loopback-PKCE logins are recognised, not rejected", async () => {
    const t = tokens();
    const store = xaiAuthStore(t, { authMode: "oauth_pkce", pool: "none" }) as any;
    store.providers["xai-oauth"].redirect_uri = "http://127.0.0.1:56121/callback";
    store.credential_pool = { "xai-oauth": [xaiPoolRow(t, { source: "loopback_pkce" })] };
    await writeHermesHome(sb.hermes, { auth: store });
    const report = parseJson(await doctor([]));
    expect(report.verdict.code).toBe("local_ok");
    expect(byId(report)["xai.state"].status).toBe("warn");
    expect(JSON.stringify(byId(report)["xai.state"])).toMatch(/loopback_pkce|PKCE/i);
  });

  it("a profile without its own login falls back to the root store, as Hermes does", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    await mkdir(path.join(sb.hermes, "profiles", "work"), { recursive: true });
    const report = parseJson(await doctor(["--profile", "work"]));
    expect(report.verdict.code).toBe("local_ok");
    expect(report.context.profile).toBe("work");
    expect(byId(report)["store.file"]).toMatchObject({ status: "pass", code: "profile_fallback" });
  });

  it("the same single-use grant copied into a profile's store is a forked grant", async () => {
    const t = tokens();
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(t) });
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: xaiAuthStore(t) });
    const forks = byId(parseJson(await doctor(["--profile", "work"])))["token.forks"];
    expect(forks).toMatchObject({ status: "warn", code: "grant_forked" });
    expect(forks.summary).toContain("~/.hermes/auth.json");
    // A profile with its own grant of another account is not a fork.
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: xaiAuthStore({ ...tokens(), access_token: makeAccessToken({ sub: "another-account" }) }) });
    expect(byId(parseJson(await doctor(["--profile", "work"])))["token.forks"].status).toBe("pass");
  });

  it("the sticky active_profile is honoured and reported", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: { version: 1, providers: {}, credential_pool: {} } });
    await writeFile(path.join(sb.hermes, "active_profile"), "work\n");
    const report = parseJson(await doctor([]));
    expect(report.context.profile).toBe("work");
    expect(byId(report)["store.home"].summary).toMatch(/sticky active profile .work./);
  });

  it("a non-JWT access token is a warning, not a crash", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore({ ...tokens(), access_token: makeOpaqueToken("opaque-access") }) });
    const run = await doctor([]);
    const report = parseJson(run);
    expect(run.code).toBe(0);
    expect(byId(report)["token.claims"]).toMatchObject({ status: "warn", code: "token_not_jwt" });
  });

  it("an expired token is reported with what Hermes will do", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore({ ...tokens(), access_token: makeAccessToken({}, { lifetimeSec: -3600 }) }) });
    const expiry = byId(parseJson(await doctor([])))["token.expiry"];
    expect(expiry).toMatchObject({ status: "warn", code: "token_expired" });
    expect(expiry.summary).toMatch(/refresh/);
  });

  it("an XAI_API_KEY in .env preempting the OAuth login is the warning Hermes only logs", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()), env: "XAI_API_KEY=xai-preempting0123456789abcdef\n" });
    const provider = byId(parseJson(await doctor([])))["config.provider"];
    expect(provider).toMatchObject({ status: "warn", code: "api_key_preempts_oauth" });
    expect(JSON.stringify(provider)).not.toContain("xai-preempting0123456789abcdef");
  });

  it("a login that Hermes will not route chat to (another active_provider) is flagged", async () => {
    const store = xaiAuthStore(tokens()) as any;
    store.active_provider = "openrouter";
    await writeHermesHome(sb.hermes, { auth: store });
    const route = byId(parseJson(await doctor([])))["config.route"];
    expect(route).toMatchObject({ status: "warn", code: "active_provider_not_oauth" });
    expect(JSON.stringify(route.fixes)).toContain("model.provider xai-oauth");
  });

  it("a retired xAI model in config.yaml is flagged with the migration guide", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()), config: "model:\n  provider: xai-oauth\n  default: grok-code-fast-1\n" });
    const model = byId(parseJson(await doctor([])))["config.model"];
    expect(model).toMatchObject({ status: "warn", code: "retired_model" });
    expect(JSON.stringify(model)).toContain("may-15-retirement");
  });

  it("text output: verdict first, counts last, no colour when piped", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    const run = await runCli(["xai", "--offline"], { env: { HOME: sb.userHome } });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("hermes-doctor xai  ~/.hermes");
    expect(lines[2]).toMatch(/^✓ Nothing wrong locally .*\[local_ok\]$/);
    // Passing rows collapse to one line per layer; --verbose lists them.
    expect(run.stdout).not.toMatch(/✓ store\.parse /);
    expect(run.stdout).toMatch(/\nAuth store  ✓ \d+ checks passed\n/);
    expect(run.stdout).toMatch(/\n\s+○ net\.api\s+not run: --offline/);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(lines.at(-2)).toMatch(/^\d+ passed · \d+ warnings? · 0 failed · \d+ skipped/);
    const forced = await runCli(["xai", "--offline"], { env: { HOME: sb.userHome, FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const noColor = await runCli(["xai", "--offline", "--no-color"], { env: { HOME: sb.userHome, FORCE_COLOR: "1" } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
    const verbose = await runCli(["xai", "--offline", "--verbose"], { env: { HOME: sb.userHome } });
    expect(verbose.stdout).toMatch(/took \d+ ms/);
    expect(verbose.stdout).toMatch(/\n\s+✓ store\.parse /);
  });

  it("--only runs the check and its dependencies; --skip skips and explains", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    const only = parseJson(await doctor(["--only", "token.expiry"]));
    expect(only.checks.map((c: any) => c.id)).toEqual(["store.home", "store.recover", "store.file", "store.parse", "xai.state", "xai.credential", "token.claims", "token.expiry"]);
    expect(parseJson(await doctor(["--only", "token.forks"])).checks.map((c: any) => c.id)).toContain("token.forks");
    const skip = byId(parseJson(await doctor(["--skip", "store.parse"])));
    expect(skip["store.parse"]).toMatchObject({ status: "skip", summary: "skipped with --skip" });
    expect(skip["xai.state"].summary).toBe("needs store.parse, which was skipped");
  });
});

describe("usage errors: one line, exit 2, no stack trace", () => {
  it.each([
    [["xai", "--timeout", "abc"], /--timeout/],
    [["xai", "--timeout", "5"], /out of range/],
    [["xai", "--format", "yaml"], /Allowed choices are text, json/],
    [["xai", "--only", "store.nope"], /unknown check id store\.nope.*hermes-doctor checks/],
    [["xai", "--profile", "../etc"], /profile/],
    [["xai", "--read-only", "--refresh"], /contradict/],
    [["xai", "--offline", "--refresh"], /contradict/],
    [["xai", "--issuer", "not a url"], /issuer/],
    [["xai", "--bogus"], /unknown option/],
    [["xai", "--ca-file", "/nonexistent/ca.pem"], /--ca-file: CA file \/nonexistent\/ca\.pem does not exist/],
    [["xai", "--ca-file", ""], /--ca-file needs the path/],
    [["frobnicate"], /unknown command/],
  ])("%j", async (args, message) => {
    const run = await runCli(args as string[], { env: { HOME: sb.userHome } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe("");
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["xai", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--read-only/);
    expect(help.stdout).toMatch(/Exit codes/);
    const version = await runCli(["--version"]);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});

describe("hermes-doctor checks", () => {
  it("lists every check with id, layer, dependencies and description", async () => {
    const run = await runCli(["checks", "--json"]);
    expect(run.code).toBe(0);
    const { checks } = JSON.parse(run.stdout);
    const ids = checks.map((c: any) => c.id);
    expect(ids).toContain("store.parse");
    expect(ids).toContain("entitlement.inference");
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of checks) {
      expect(c.description.length, c.id).toBeGreaterThan(10);
      for (const dep of c.dependsOn) expect(ids.indexOf(dep), `${c.id} -> ${dep}`).toBeLessThan(ids.indexOf(c.id));
    }
    const text = await runCli(["checks"]);
    expect(text.stdout).toMatch(/store\.parse/);
  });
});

