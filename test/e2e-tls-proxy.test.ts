// TLS trust and proxies through the built CLI: the loopback xAI emulator in HTTPS mode, reached
// directly or through the loopback CONNECT proxy (tunnel / refuse / intercept). Everything stays on
// 127.0.0.1 / localhost; every run has --timeout 10000 and a hard kill in runCli.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import path from "node:path";
import { parseJson, runCli, type CliRun } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import { startEmulator, type Emulator, type EmulatorAccount } from "../fixtures/emulator/server.js";
import { startConnectProxy, type ConnectProxy, type ProxyMode } from "../fixtures/emulator/proxy.js";
import { loadCert, type CertName } from "../fixtures/emulator/certs.js";

const CA = loadCert("ca").certPath;
const CORP_CA = loadCert("corp-ca").certPath;
const STACK = /\n\s+at /;

let sb: Sandbox;
// Emulators and proxies started by the current test, closed in afterEach even when it fails.
let closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  sb = await sandbox();
  closers = [];
});
afterEach(async () => {
  const pending = closers.reverse();
  closers = [];
  await Promise.allSettled(pending.map((close) => close()));
  await sb.cleanup();
});

async function httpsEmulator(cert: CertName): Promise<Emulator> {
  const emu = await startEmulator({ tls: loadCert(cert) });
  closers.push(() => emu.close());
  expect(emu.issuer).toMatch(/^https:\/\/localhost:\d+$/);
  return emu;
}

async function proxyIn(mode: ProxyMode): Promise<ConnectProxy> {
  const proxy = await startConnectProxy({ mode });
  closers.push(() => proxy.close());
  return proxy;
}

/** A Hermes home logged in to a fresh healthy emulator account (no refresh will be due). */
async function loggedIn(emu: Emulator): Promise<EmulatorAccount> {
  const acct = emu.createAccount("healthy");
  await writeHermesHome(sb.hermes, {
    auth: xaiAuthStore({ access_token: acct.accessToken, refresh_token: acct.refreshToken, id_token: acct.idToken }, { tokenEndpoint: emu.tokenEndpoint }),
  });
  return acct;
}

function doctor(emu: Emulator, extra: string[], env: Record<string, string> = {}, format: "json" | "text" = "json"): Promise<CliRun> {
  return runCli(
    ["xai", ...(format === "json" ? ["--json"] : []), "--home", sb.hermes, "--issuer", emu.issuer, "--api-base", emu.apiBase, "--timeout", "10000", ...extra],
    { env: { HOME: sb.userHome, ...env }, timeoutMs: 20_000 },
  );
}

const byId = (report: any): Record<string, any> => Object.fromEntries(report.checks.map((c: any) => [c.id, c]));

/** healthy, exit 0, login/entitlement/network ok, and the emulator really served the inference. */
function expectHealthy(run: CliRun, emu: Emulator, acct: EmulatorAccount): any {
  const report = parseJson(run);
  expect(report.verdict.code, JSON.stringify(report.checks.filter((c: any) => c.status === "fail"))).toBe("healthy");
  expect(run.code).toBe(0);
  expect(report.facets).toMatchObject({ login: "ok", entitlement: "ok", network: "ok" });
  const checks = byId(report);
  expect(checks["net.issuer"].status).toBe("pass");
  expect(checks["net.api"].status).toBe("pass");
  expect(checks["entitlement.inference"].status).toBe("pass");
  expect(emu.requests.some((r) => r.path.startsWith("/v1/"))).toBe(true);
  expect(run.stdout).not.toContain(acct.accessToken);
  expect(run.stdout).not.toContain(acct.refreshToken);
  expect(run.stderr).toBe("");
  return report;
}

/** A network-layer failure proven by net.issuer and net.api with this transport kind. */
function expectNetFailure(run: CliRun, verdict: "tls_untrusted" | "network_unreachable", transport: string): any {
  const report = parseJson(run);
  expect(report.verdict.code).toBe(verdict);
  expect(run.code).toBe(13);
  expect(report.verdict.exitCode).toBe(13);
  expect(report.facets).toMatchObject({ network: "failed", login: "unknown", entitlement: "unknown" });
  expect(report.verdict.evidence).toEqual(expect.arrayContaining(["net.issuer", "net.api"]));
  const checks = byId(report);
  for (const id of ["net.issuer", "net.api"]) {
    expect(checks[id], id).toMatchObject({ status: "fail", code: verdict, details: { transport } });
  }
  // Nothing past the network layer ran.
  expect(checks["entitlement.inference"].status).toBe("skip");
  expect(run.stdout).not.toMatch(STACK);
  return report;
}

describe("HTTPS emulator: trust", { timeout: 45_000 }, () => {
  it("CA-signed localhost cert + --ca-file ca.pem -> healthy, exit 0", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const report = expectHealthy(await doctor(emu, ["--ca-file", CA]), emu, acct);
    expect(byId(report)["net.endpoints"].details.caFile).toBe(CA);
    expect(byId(report)["net.api"].details.viaProxy).toBeUndefined();
  });

  it("NODE_EXTRA_CA_CERTS=ca.pem instead of --ca-file -> healthy", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const report = expectHealthy(await doctor(emu, [], { NODE_EXTRA_CA_CERTS: CA }), emu, acct);
    expect(byId(report)["net.endpoints"].details.nodeExtraCaCerts).toBe(CA);
  });

  it("no CA given -> tls_untrusted, exit 13, nothing reached the emulator's HTTP layer", async () => {
    const emu = await httpsEmulator("localhost");
    await loggedIn(emu);
    const report = expectNetFailure(await doctor(emu, []), "tls_untrusted", "tls_untrusted");
    const api = byId(report)["net.api"];
    expect(api.details.errorCode).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(api.summary).toMatch(/--ca-file/);
    expect(emu.requests).toHaveLength(0);
  });

  it.each([
    ["self-signed", "tls_untrusted", "DEPTH_ZERO_SELF_SIGNED_CERT"],
    ["expired", "tls_expired", "CERT_HAS_EXPIRED"],
    ["wrong-name", "tls_hostname", "ERR_TLS_CERT_ALTNAME_INVALID"],
  ] as const)("%s leaf (test CA trusted) -> tls_untrusted, transport %s", async (cert, transport, errorCode) => {
    const emu = await httpsEmulator(cert);
    await loggedIn(emu);
    const report = expectNetFailure(await doctor(emu, ["--ca-file", CA]), "tls_untrusted", transport);
    expect(byId(report)["net.issuer"].details.errorCode).toBe(errorCode);
    expect(byId(report)["net.api"].details.errorCode).toBe(errorCode);
    expect(emu.requests).toHaveLength(0);
  });
});

describe("HTTPS emulator through a CONNECT proxy", { timeout: 45_000 }, () => {
  it("HTTPS_PROXY (tunnel) + --ca-file -> healthy, through the proxy", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const proxy = await proxyIn("tunnel");
    const report = expectHealthy(await doctor(emu, ["--ca-file", CA], { HTTPS_PROXY: proxy.url }), emu, acct);
    const target = `localhost:${emu.port}`;
    expect(proxy.connects).toContain(target);
    expect(new Set(proxy.connects)).toEqual(new Set([target]));
    const checks = byId(report);
    expect(checks["net.api"].details.viaProxy).toBe(proxy.url);
    expect(checks["net.issuer"].details.viaProxy).toBe(proxy.url);
    expect(checks["net.endpoints"].details.httpsProxy).toBe(proxy.url);
  });

  it("lower-case https_proxy works the same", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const proxy = await proxyIn("tunnel");
    const report = expectHealthy(await doctor(emu, ["--ca-file", CA], { https_proxy: proxy.url }), emu, acct);
    expect(proxy.connects).toContain(`localhost:${emu.port}`);
    expect(byId(report)["net.api"].details.viaProxy).toBe(proxy.url);
  });

  it("NO_PROXY=localhost bypasses HTTPS_PROXY: no CONNECT, still healthy", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const proxy = await proxyIn("tunnel");
    const report = expectHealthy(await doctor(emu, ["--ca-file", CA], { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost" }), emu, acct);
    expect(proxy.connects).toEqual([]);
    expect(byId(report)["net.api"].details.viaProxy).toBeUndefined();
    expect(byId(report)["net.issuer"].details.viaProxy).toBeUndefined();
  });

  it("a refusing proxy -> network_unreachable, exit 13, proxy_refused; the text output names the proxy", async () => {
    const emu = await httpsEmulator("localhost");
    await loggedIn(emu);
    const proxy = await proxyIn("refuse");
    const report = expectNetFailure(await doctor(emu, ["--ca-file", CA], { HTTPS_PROXY: proxy.url }), "network_unreachable", "proxy_refused");
    const api = byId(report)["net.api"];
    expect(api.details.viaProxy).toBe(proxy.url);
    expect(api.summary).toContain(proxy.url);
    expect(api.summary).toMatch(/HTTP 403/);
    expect(proxy.connects).toContain(`localhost:${emu.port}`);
    expect(emu.requests).toHaveLength(0);

    const text = await doctor(emu, ["--ca-file", CA], { HTTPS_PROXY: proxy.url }, "text");
    expect(text.code).toBe(13);
    expect(text.stdout).toMatch(/\[network_unreachable\]/);
    expect(text.stdout).toContain(proxy.url);
    expect(text.stdout).not.toMatch(STACK);
    expect(text.stderr).not.toMatch(STACK);
  });

  it("a TLS-intercepting proxy whose CA is not trusted -> tls_untrusted, exit 13, summary names the proxy and the fix", async () => {
    const emu = await httpsEmulator("localhost");
    await loggedIn(emu);
    const proxy = await proxyIn("intercept");
    const report = expectNetFailure(await doctor(emu, ["--ca-file", CA], { HTTPS_PROXY: proxy.url }), "tls_untrusted", "tls_untrusted");
    for (const id of ["net.issuer", "net.api"]) {
      const check = byId(report)[id];
      expect(check.details.viaProxy, id).toBe(proxy.url);
      expect(check.details.errorCode, id).toBe("SELF_SIGNED_CERT_IN_CHAIN");
      expect(check.summary, id).toContain(proxy.url);
      expect(check.summary, id).toMatch(/--ca-file/);
      expect(check.summary, id).toMatch(/NODE_EXTRA_CA_CERTS/);
    }
    expect(proxy.connects).toContain(`localhost:${emu.port}`);
    // The proxy terminated TLS itself and never forwarded anything.
    expect(emu.requests).toHaveLength(0);
  });

  // fixtures/emulator/proxy.ts forwards intercepted traffic to the real target (upstream TLS with
  // rejectUnauthorized: false), so trusting corp-ca is enough to reach the emulator end to end.
  it("the same intercepting proxy with --ca-file corp-ca.pem -> healthy, forwarded to the emulator", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const proxy = await proxyIn("intercept");
    const report = expectHealthy(await doctor(emu, ["--ca-file", CORP_CA], { HTTPS_PROXY: proxy.url }), emu, acct);
    expect(proxy.connects).toContain(`localhost:${emu.port}`);
    expect(byId(report)["net.api"].details.viaProxy).toBe(proxy.url);
  });

  it("the same intercepting proxy with NODE_EXTRA_CA_CERTS=corp-ca.pem -> healthy", async () => {
    const emu = await httpsEmulator("localhost");
    const acct = await loggedIn(emu);
    const proxy = await proxyIn("intercept");
    const report = expectHealthy(await doctor(emu, [], { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: CORP_CA }), emu, acct);
    expect(proxy.connects).toContain(`localhost:${emu.port}`);
    expect(byId(report)["net.api"].details.viaProxy).toBe(proxy.url);
  });
});

describe("unreachable endpoints and an unusable --ca-file", { timeout: 45_000 }, () => {
  it("a closed loopback port -> network_unreachable, exit 13, transport refused", async () => {
    await writeHermesHome(sb.hermes, {
      auth: xaiAuthStore(
        { access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt"), id_token: makeAccessToken({ email: "u@example.com" }) },
        { tokenEndpoint: "http://127.0.0.1:1/oauth2/token" },
      ),
    });
    const run = await runCli(
      ["xai", "--json", "--home", sb.hermes, "--issuer", "http://127.0.0.1:1", "--api-base", "http://127.0.0.1:1/v1", "--timeout", "10000"],
      { env: { HOME: sb.userHome }, timeoutMs: 20_000 },
    );
    const report = expectNetFailure(run, "network_unreachable", "refused");
    for (const id of ["net.issuer", "net.api"]) {
      expect(byId(report)[id].details, id).toMatchObject({ errorCode: "ECONNREFUSED", host: "127.0.0.1" });
      expect(byId(report)[id].details.viaProxy, id).toBeUndefined();
    }
  });

  it("--ca-file that does not exist -> a one-line usage error (exit 2) or a precise finding; never a stack trace or exit 3", async () => {
    const emu = await httpsEmulator("localhost");
    await loggedIn(emu);
    const missing = path.join(sb.dir, "no-such-ca.pem");
    const run = await doctor(emu, ["--ca-file", missing]);
    expect(run.code).not.toBe(3);
    expect(run.code).not.toBeNull(); // not killed by the runCli deadline
    expect(run.stdout).not.toMatch(STACK);
    expect(run.stderr).not.toMatch(STACK);
    if (run.code === 2) {
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(missing);
      expect(run.stdout).toBe("");
    } else {
      const report = parseJson(run);
      expect(run.code).toBe(report.verdict.exitCode);
      expect(run.code).not.toBe(0);
      const failing = report.checks.filter((c: any) => c.status === "fail");
      const finding = failing.find((c: any) => c.summary.includes(missing));
      expect(finding, JSON.stringify(failing)).toBeDefined();
      expect(finding.summary).toMatch(/does not exist/);
      expect(report.verdict.evidence).toContain(finding.id);
      expect(report.facets.network).toBe("failed");
    }
    // Either way nothing was sent with a broken trust configuration.
    expect(emu.requests).toHaveLength(0);

    const text = await doctor(emu, ["--ca-file", missing], {}, "text");
    expect(text.code).toBe(run.code);
    expect(`${text.stdout}\n${text.stderr}`).toContain(missing);
    expect(text.stdout).not.toMatch(STACK);
    expect(text.stderr).not.toMatch(STACK);
  });
});
