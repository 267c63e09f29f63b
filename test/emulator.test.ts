// The loopback xAI emulator and CONNECT proxy (fixtures/emulator) behave as the reference says.
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { createPublicKey, createVerify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, SCENARIOS, type Emulator, type Scenario, XAI_CLIENT_ID } from "../fixtures/emulator/server.js";
import { XAI_BODIES, OAUTH_BODIES } from "../fixtures/emulator/bodies.js";
import { startConnectProxy } from "../fixtures/emulator/proxy.js";
import { loadCert } from "../fixtures/emulator/certs.js";

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/** One HTTP(S) exchange with a hard timeout; no keep-alive so nothing outlives a test. */
function request(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; ca?: string; timeoutMs?: number } = {},
): Promise<Res> {
  const u = new URL(url);
  const lib = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      { method: o.method ?? "GET", headers: o.headers, agent: false, ...(o.ca ? { ca: o.ca } : {}) },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(o.timeoutMs ?? 5000, () => req.destroy(Object.assign(new Error("client timeout"), { code: "CLIENT_TIMEOUT" })));
    req.on("error", reject);
    req.end(o.body);
  });
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

function refresh(emu: Emulator, refreshToken: string, over: Record<string, string> = {}, timeoutMs?: number): Promise<Res> {
  const form = new URLSearchParams({ grant_type: "refresh_token", client_id: XAI_CLIENT_ID, refresh_token: refreshToken, ...over });
  return request(emu.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: form.toString(),
    timeoutMs,
  });
}

function responses(emu: Emulator, token: string, model = "grok-4.3", timeoutMs?: number): Promise<Res> {
  return request(`${emu.apiBase}/responses`, {
    method: "POST",
    headers: { ...bearer(token), "Content-Type": "application/json" },
    body: JSON.stringify({ model, input: "ping", max_output_tokens: 16, store: false }),
    timeoutMs,
  });
}

function decodeJwt(t: string): { header: any; payload: any } {
  const [h, p] = t.split(".");
  return {
    header: JSON.parse(Buffer.from(h ?? "", "base64url").toString()),
    payload: JSON.parse(Buffer.from(p ?? "", "base64url").toString()),
  };
}

/** Resolves with the error code a request fails with (it must fail). */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  throw new Error("expected the request to fail");
}

describe("emulator over http", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it("serves OIDC discovery and a JWKS that verifies its tokens", async () => {
    expect(emu.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.issuer).toBe(emu.origin);
    expect(emu.apiBase).toBe(`${emu.origin}/v1`);
    const d = await request(`${emu.origin}/.well-known/openid-configuration`);
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({
      issuer: emu.origin,
      authorization_endpoint: `${emu.origin}/oauth2/authorize`,
      token_endpoint: `${emu.origin}/oauth2/token`,
      device_authorization_endpoint: `${emu.origin}/oauth2/device/code`,
      userinfo_endpoint: `${emu.origin}/oauth2/userinfo`,
      revocation_endpoint: `${emu.origin}/oauth2/revoke`,
      jwks_uri: `${emu.origin}/.well-known/jwks.json`,
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
    });
    expect(d.json.grant_types_supported).toEqual(
      expect.arrayContaining(["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]),
    );
    expect(d.json.scopes_supported).toEqual(expect.arrayContaining(["openid", "offline_access", "grok-cli:access", "api:access"]));
    expect(emu.tokenEndpoint).toBe(d.json.token_endpoint);

    const jwks = await request(d.json.jwks_uri);
    const jwk = jwks.json.keys[0];
    expect(jwk).toMatchObject({ kty: "RSA", kid: emu.kid, alg: "RS256", use: "sig" });

    const acc = emu.createAccount("healthy");
    const { header, payload } = decodeJwt(acc.accessToken);
    expect(header).toMatchObject({ alg: "RS256", kid: emu.kid });
    expect(payload).toMatchObject({
      iss: emu.issuer,
      aud: XAI_CLIENT_ID,
      sub: acc.sub,
      principal_type: "User",
      team_id: acc.teamId,
      tier: 1,
    });
    expect(payload.scope.split(" ")).toContain("api:access");
    expect(payload.exp - payload.iat).toBe(21600);
    const [h, p, s] = acc.accessToken.split(".");
    const ok = createVerify("RSA-SHA256")
      .update(`${h}.${p}`)
      .verify(createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s ?? "", "base64url"));
    expect(ok).toBe(true);
    expect(decodeJwt(acc.idToken).payload).toMatchObject({ iss: emu.issuer, aud: XAI_CLIENT_ID, sub: acc.sub, email: acc.email });
  });

  it("rotates refresh tokens single-use", async () => {
    const acc = emu.createAccount("healthy");
    expect(emu.isRefreshTokenLive(acc.refreshToken)).toBe(true);

    const first = await refresh(emu, acc.refreshToken);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ token_type: "Bearer", expires_in: 21600 });
    expect(first.json.scope).toContain("api:access");
    expect(typeof first.json.id_token).toBe("string");
    const next: string = first.json.refresh_token;
    expect(next).toBeTruthy();
    expect(next).not.toBe(acc.refreshToken);
    expect(first.json.access_token).not.toBe(acc.accessToken);
    expect(first.headers["cache-control"]).toBe("no-store");
    expect(emu.isRefreshTokenLive(acc.refreshToken)).toBe(false);
    expect(emu.isRefreshTokenLive(next)).toBe(true);

    const reused = await refresh(emu, acc.refreshToken);
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({ error: "invalid_grant", error_description: "Refresh token has been revoked" });

    const second = await refresh(emu, next);
    expect(second.status).toBe(200);
    expect((await responses(emu, second.json.access_token)).status).toBe(200);
  });

  it("rejects unknown tokens, wrong clients, grants and content types", async () => {
    const acc = emu.createAccount("healthy");
    expect((await refresh(emu, "nope")).json).toEqual(OAUTH_BODIES.refreshNotFound);
    const badClient = await refresh(emu, acc.refreshToken, { client_id: "00000000-0000-0000-0000-000000000000" });
    expect(badClient.status).toBe(400);
    expect(badClient.json.error).toBe("invalid_client");
    const badGrant = await refresh(emu, acc.refreshToken, { grant_type: "password" });
    expect(badGrant.status).toBe(400);
    expect(badGrant.json.error).toBe("invalid_request");
    const json = await request(emu.tokenEndpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", client_id: XAI_CLIENT_ID, refresh_token: acc.refreshToken }),
    });
    expect(json.status).toBe(400);
    expect(json.json.error).toBe("invalid_request");
    // None of the failures consumed the grant.
    expect(emu.isRefreshTokenLive(acc.refreshToken)).toBe(true);
  });

  it("answers userinfo for live tokens only", async () => {
    const acc = emu.createAccount("healthy");
    const ok = await request(emu.userinfoEndpoint, { headers: bearer(acc.accessToken) });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ sub: acc.sub, email: acc.email, name: expect.any(String) });
    const expired = emu.createAccount("healthy", { lifetimeSec: -60 });
    const bad = await request(emu.userinfoEndpoint, { headers: bearer(expired.accessToken) });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ error: "invalid_token" });
    expect((await request(emu.userinfoEndpoint)).status).toBe(401);
  });

  it("speaks api.x.ai: credentials, expiry, routes and models", async () => {
    const acc = emu.createAccount("healthy");
    const none = await request(`${emu.apiBase}/models`);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ code: "unauthenticated:no-credentials", error: "No credentials provided" });

    const expired = emu.createAccount("healthy", { lifetimeSec: -120 });
    const exp = decodeJwt(expired.accessToken).payload;
    expect(exp.exp).toBeLessThan(emu.nowSec());
    expect(exp.exp - exp.iat).toBe(21600);
    for (const t of [expired.accessToken, acc.accessToken.slice(0, -4) + "AAAA"]) {
      const r = await responses(emu, t);
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ code: "unauthenticated:bad-credentials", error: "The OAuth2 access token could not be validated." });
    }

    const nf = await request(`${emu.apiBase}/usage`, { headers: bearer(acc.accessToken) });
    expect(nf.status).toBe(404);
    expect(nf.json.code).toBe("Some requested entity was not found");
    expect(nf.json.error).toMatch(/^No handler found on route\./);

    const models = await request(`${emu.apiBase}/models`, { headers: bearer(acc.accessToken) });
    expect(models.status).toBe(200);
    expect(models.json.object).toBe("list");
    const ids = models.json.data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(["grok-4.3", "grok-4.20-0309-non-reasoning", "grok-4.7"]));
    expect(ids).not.toContain("grok-4.6");
    expect(models.json.data[0]).toMatchObject({ object: "model", owned_by: "xai", created: expect.any(Number) });

    const ok = await responses(emu, acc.accessToken);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      object: "response",
      model: "grok-4.3",
      output: [{ type: "message", content: [{ type: "output_text", text: "ok" }] }],
      usage: { total_tokens: expect.any(Number) },
    });
    // Callable though unlisted, as xAI does for grok-4.6.
    expect((await responses(emu, acc.accessToken, "grok-4.6")).status).toBe(200);
    const missing = await responses(emu, acc.accessToken, "grok-beta");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual(XAI_BODIES.modelNotFound("grok-beta", acc.teamId));

    const chat = await request(`${emu.apiBase}/chat/completions`, {
      method: "POST",
      headers: { ...bearer(acc.accessToken), "Content-Type": "application/json" },
      body: JSON.stringify({ model: "grok-4.20-0309-non-reasoning", messages: [{ role: "user", content: "ping" }], max_completion_tokens: 1 }),
    });
    expect(chat.status).toBe(200);
    expect(chat.json).toMatchObject({ object: "chat.completion", choices: [{ message: { role: "assistant", content: "ok" } }] });
  });

  it("speaks the API-key surface", async () => {
    const ok = emu.createApiKey("ok");
    expect(ok).toMatch(/^xai-[A-Za-z0-9]+$/);
    const info = await request(`${emu.apiBase}/api-key`, { headers: bearer(ok) });
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({
      redacted_api_key: `xai-...${ok.slice(-4)}`,
      acls: ["api-key:model:*", "api-key:endpoint:*"],
      team_blocked: false,
      api_key_blocked: false,
      api_key_disabled: false,
    });
    for (const k of ["user_id", "name", "create_time", "modify_time", "modified_by", "team_id", "api_key_id"]) {
      expect(info.json).toHaveProperty(k);
    }
    expect((await request(`${emu.apiBase}/models`, { headers: bearer(ok) })).status).toBe(200);
    expect((await responses(emu, ok)).status).toBe(200);

    const blocked = await request(`${emu.apiBase}/api-key`, { headers: bearer(emu.createApiKey("blocked")) });
    expect(blocked.json.api_key_blocked).toBe(true);
    const disabled = await request(`${emu.apiBase}/api-key`, { headers: bearer(emu.createApiKey("disabled")) });
    expect(disabled.json.api_key_disabled).toBe(true);

    const invalid = emu.createApiKey("invalid");
    const bad = await request(`${emu.apiBase}/api-key`, { headers: bearer(invalid) });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      code: "Client specified an invalid argument",
      error: `Incorrect API key provided: xa***${invalid.slice(-2)}. You can obtain an API key from https://console.x.ai.`,
    });
  });

  // What each scenario answers on POST /v1/responses (hang and reset have their own tests).
  const expected: Record<Exclude<Scenario, "hang" | "reset">, (teamId: string) => { status: number; body: unknown }> = {
    healthy: () => ({ status: 200, body: expect.objectContaining({ object: "response" }) }),
    refresh_denied: () => ({ status: 200, body: expect.objectContaining({ object: "response" }) }),
    refresh_5xx: () => ({ status: 200, body: expect.objectContaining({ object: "response" }) }),
    refresh_hang: () => ({ status: 200, body: expect.objectContaining({ object: "response" }) }),
    revoked: () => ({ status: 200, body: expect.objectContaining({ object: "response" }) }),
    entitlement_denied: () => ({
      status: 403,
      body: {
        code: "The caller does not have permission to execute the specified operation",
        error:
          "You have either run out of available resources or do not have an active Grok subscription. Manage your subscription at https://grok.com/?_s=usage or subscribe at https://grok.com/supergrok.",
      },
    }),
    entitlement_denied_new: () => ({
      status: 403,
      body: {
        code: "permission-denied",
        error:
          "You have either run out of available resources or do not have an active Grok subscription. Manage your subscription at https://grok.com/?_s=usage or subscribe at https://grok.com/supergrok.",
      },
    }),
    token_rejected: () => ({
      status: 403,
      body: { code: "unauthenticated:bad-credentials", error: "The OAuth2 access token could not be validated." },
    }),
    spending_limit: () => ({
      status: 403,
      body: {
        code: "personal-team-blocked:spending-limit",
        error:
          "You have run out of credits or need a Grok subscription. Add credits at https://grok.com/?_s=usage or upgrade at https://grok.com/supergrok.",
      },
    }),
    credits_exhausted: (team) => ({
      status: 403,
      body: {
        code: "The caller does not have permission to execute the specified operation",
        error: `Your team ${team} has either used all available credits or reached its monthly spending limit. To continue making API requests, please purchase more credits or raise your spending limit.`,
      },
    }),
    usage_exhausted: () => ({
      status: 429,
      body: { code: "subscription:free-usage-exhausted", error: expect.stringMatching(/^You've used all the included free usage for model grok-4\.3/) },
    }),
    rate_limited: (team) => ({ status: 429, body: { code: "Some resource has been exhausted", error: `Too many requests for team ${team}` } }),
    model_unavailable: (team) => ({
      status: 404,
      body: {
        code: "not-found",
        error: `The model grok-4.3 does not exist or your team ${team} does not have access to it. If you believe this is a mistake, please contact support and quote your team ID and the model name.`,
      },
    }),
    upstream_html_503: () => ({ status: 503, body: undefined }),
    upstream_500: () => ({ status: 500, body: { code: "Internal error", error: expect.any(String) } }),
  };

  it.each(Object.keys(expected) as (keyof typeof expected)[])("scenario %s on /v1/responses", async (scenario) => {
    const acc = emu.createAccount(scenario);
    const r = await responses(emu, acc.accessToken);
    const want = expected[scenario](acc.teamId);
    expect(r.status).toBe(want.status);
    if (scenario === "upstream_html_503") {
      expect(r.headers["content-type"]).toMatch(/^text\/html/);
      expect(r.text).toContain("503 Service Temporarily Unavailable");
    } else {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.json).toEqual(want.body);
    }
  });

  it("covers every scenario in the table", () => {
    expect(new Set([...Object.keys(expected), "hang", "reset"])).toEqual(new Set(SCENARIOS));
  });

  it("entitlement_denied: login and listing still work", async () => {
    const acc = emu.createAccount("entitlement_denied");
    expect((await request(`${emu.apiBase}/models`, { headers: bearer(acc.accessToken) })).status).toBe(200);
    expect((await request(emu.userinfoEndpoint, { headers: bearer(acc.accessToken) })).status).toBe(200);
    expect((await refresh(emu, acc.refreshToken)).status).toBe(200);
  });

  it("token_rejected: userinfo refuses the unexpired token too", async () => {
    const acc = emu.createAccount("token_rejected");
    expect(decodeJwt(acc.accessToken).payload.exp).toBeGreaterThan(emu.nowSec());
    expect((await request(`${emu.apiBase}/models`, { headers: bearer(acc.accessToken) })).status).toBe(403);
    expect((await request(emu.userinfoEndpoint, { headers: bearer(acc.accessToken) })).status).toBe(401);
  });

  it("refresh scenarios answer on the token endpoint and keep the grant", async () => {
    const denied = emu.createAccount("refresh_denied");
    const r403 = await refresh(emu, denied.refreshToken);
    expect(r403.status).toBe(403);
    expect(r403.json).toEqual(XAI_BODIES.entitlementDenied);
    expect(emu.isRefreshTokenLive(denied.refreshToken)).toBe(true);

    const bad = emu.createAccount("refresh_5xx");
    const r502 = await refresh(emu, bad.refreshToken);
    expect(r502.status).toBe(502);
    expect(r502.headers["content-type"]).toMatch(/^text\/html/);

    const revoked = emu.createAccount("revoked");
    expect(emu.isRefreshTokenLive(revoked.refreshToken)).toBe(false);
    const r400 = await refresh(emu, revoked.refreshToken);
    expect(r400.status).toBe(400);
    expect(r400.json).toEqual(OAUTH_BODIES.refreshRevoked);

    // setScenario switches a live account.
    emu.setScenario(bad.accountId, "healthy");
    expect((await refresh(emu, bad.refreshToken)).status).toBe(200);
    expect(emu.scenarioOf(bad.accountId)).toBe("healthy");
  });

  it("records requests", async () => {
    emu.clearRequests();
    const acc = emu.createAccount("healthy");
    await refresh(emu, acc.refreshToken);
    expect(emu.requests).toHaveLength(1);
    const rec = emu.requests[0];
    expect(rec).toMatchObject({ method: "POST", path: "/oauth2/token" });
    expect(rec?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(rec?.body).get("grant_type")).toBe("refresh_token");
    expect(typeof rec?.at).toBe("number");
    emu.clearRequests();
    expect(emu.requests).toHaveLength(0);
  });
});

describe("emulator clock, hangs and resets", () => {
  it("shifts the Date header and token times by the clock offset", async () => {
    const emu = await startEmulator({ clockOffsetSec: -7200 });
    try {
      const r = await request(`${emu.origin}/.well-known/openid-configuration`);
      const skew = (Date.parse(String(r.headers.date)) - Date.now()) / 1000;
      expect(skew).toBeGreaterThan(-7205);
      expect(skew).toBeLessThan(-7195);
      const iat = decodeJwt(emu.createAccount("healthy").accessToken).payload.iat;
      expect(Math.abs(iat - (Date.now() / 1000 - 7200))).toBeLessThan(5);

      emu.setClockOffset(600);
      const err = await request(`${emu.apiBase}/nowhere`);
      expect(err.status).toBe(404);
      const skew2 = (Date.parse(String(err.headers.date)) - Date.now()) / 1000;
      expect(skew2).toBeGreaterThan(595);
      expect(skew2).toBeLessThan(605);
    } finally {
      await emu.close();
    }
  });

  it("hang: never answers, and close() still returns promptly", async () => {
    const emu = await startEmulator();
    const acc = emu.createAccount("hang");
    const pending = responses(emu, acc.accessToken, "grok-4.3", 15_000);
    pending.catch(() => {}); // observed below
    // Token endpoint and userinfo are unaffected.
    expect((await request(emu.userinfoEndpoint, { headers: bearer(acc.accessToken) })).status).toBe(200);
    const t0 = Date.now();
    while (!emu.requests.some((r) => r.path === "/v1/responses")) {
      if (Date.now() - t0 > 3000) throw new Error("request never arrived");
      await new Promise((r) => setTimeout(r, 10));
    }
    const t1 = Date.now();
    await emu.close();
    expect(Date.now() - t1).toBeLessThan(1000);
    const code = await failure(pending);
    expect(["ECONNRESET", "socket hang up"]).toContain(code);
    await emu.close(); // idempotent
  });

  it("refresh_hang: the token endpoint never answers (client times out)", async () => {
    const emu = await startEmulator();
    try {
      const acc = emu.createAccount("refresh_hang");
      expect(await failure(refresh(emu, acc.refreshToken, {}, 300))).toBe("CLIENT_TIMEOUT");
      expect(emu.isRefreshTokenLive(acc.refreshToken)).toBe(true);
    } finally {
      await emu.close();
    }
  });

  it("reset: the socket dies without a response", async () => {
    const emu = await startEmulator();
    try {
      const acc = emu.createAccount("reset");
      expect(["ECONNRESET", "socket hang up"]).toContain(await failure(responses(emu, acc.accessToken)));
    } finally {
      await emu.close();
    }
  });
});

/** Opens a TLS session over `socket` (or straight to 127.0.0.1:port) and resolves once it is trusted. */
function tlsConnect(o: { socket?: Duplex; port?: number; ca?: string | string[] }): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      ...(o.socket ? { socket: o.socket } : { host: "127.0.0.1", port: o.port }),
      servername: "localhost",
      ca: o.ca,
    });
    s.once("secureConnect", () => resolve(s));
    s.once("error", reject);
  });
}

/** One GET over an established (TLS) socket. */
function getOver(socket: Duplex, path: string, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "localhost", path, headers, createConnection: () => socket as any }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: text ? JSON.parse(text) : undefined }));
    });
    req.setTimeout(5000, () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.end();
  });
}

function connectVia(proxyPort: number, target: string): Promise<{ status: number; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: proxyPort, method: "CONNECT", path: target, headers: { Host: target } });
    req.on("connect", (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.setTimeout(5000, () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.end();
  });
}

describe("emulator over TLS and through proxies", () => {
  const ca = loadCert("ca").cert;
  const corpCa = loadCert("corp-ca").cert;
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ tls: loadCert("localhost") });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("serves https://localhost with a cert the test CA vouches for", async () => {
    expect(emu.origin).toMatch(/^https:\/\/localhost:\d+$/);
    const d = await request(`${emu.origin}/.well-known/openid-configuration`, { ca });
    expect(d.status).toBe(200);
    expect(d.json.token_endpoint).toBe(`${emu.origin}/oauth2/token`);
    const acc = emu.createAccount("healthy");
    const r = await request(`${emu.apiBase}/responses`, {
      method: "POST",
      ca,
      headers: { ...bearer(acc.accessToken), "Content-Type": "application/json" },
      body: JSON.stringify({ model: "grok-4.3", input: "ping", max_output_tokens: 16, store: false }),
    });
    expect(r.status).toBe(200);
    // Without the test CA the chain is untrusted.
    expect(await failure(request(`${emu.origin}/.well-known/openid-configuration`))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it.each([
    ["expired", "CERT_HAS_EXPIRED"],
    ["wrong-name", "ERR_TLS_CERT_ALTNAME_INVALID"],
    ["self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT"],
  ] as const)("cert %s fails with %s", async (name, code) => {
    const bad = await startEmulator({ tls: loadCert(name) });
    try {
      expect(await failure(request(`${bad.origin}/.well-known/openid-configuration`, { ca }))).toBe(code);
    } finally {
      await bad.close();
    }
  });

  it("tunnel proxy: CONNECT reaches the emulator; plain http is forwarded", async () => {
    const proxy = await startConnectProxy({ mode: "tunnel" });
    const plain = await startEmulator();
    try {
      const target = `localhost:${emu.port}`;
      const { status, socket } = await connectVia(proxy.port, target);
      expect(status).toBe(200);
      const s = await tlsConnect({ socket, ca });
      const r = await getOver(s, "/.well-known/openid-configuration");
      expect(r.status).toBe(200);
      expect(r.json.issuer).toBe(emu.issuer);
      s.destroy();
      expect(proxy.connects).toEqual([target]);

      const url = `${plain.apiBase}/models`;
      expect((await request(`${proxy.url}/v1/models`)).status).toBe(400); // origin-form is not a proxy request
      const viaProxy = await new Promise<Res>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: proxy.port, path: url, agent: false }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) }));
        });
        req.on("error", reject);
        req.end();
      });
      expect(viaProxy.status).toBe(401);
      expect(viaProxy.json.code).toBe("unauthenticated:no-credentials");
      expect(proxy.forwards).toEqual([`GET ${url}`]);
      expect(plain.requests.map((r) => r.path)).toEqual(["/v1/models"]);
    } finally {
      await proxy.close();
      await plain.close();
    }
  });

  it("refusing proxy: CONNECT gets 403", async () => {
    const proxy = await startConnectProxy({ mode: "refuse" });
    try {
      const { status, socket } = await connectVia(proxy.port, `localhost:${emu.port}`);
      socket.destroy();
      expect(status).toBe(403);
      expect(proxy.connects).toEqual([`localhost:${emu.port}`]);
    } finally {
      await proxy.close();
    }
  });

  it("intercepting proxy: untrusted corp chain fails; trusting corp-ca gets through", async () => {
    const proxy = await startConnectProxy({ mode: "intercept" });
    try {
      const first = await connectVia(proxy.port, `localhost:${emu.port}`);
      expect(first.status).toBe(200);
      const code = await failure(tlsConnect({ socket: first.socket, ca }));
      expect(code).toBe("SELF_SIGNED_CERT_IN_CHAIN");
      first.socket.destroy();

      emu.clearRequests();
      const second = await connectVia(proxy.port, `localhost:${emu.port}`);
      const s = await tlsConnect({ socket: second.socket, ca: corpCa });
      expect(s.getPeerCertificate().issuer.O).toBe("Example Corp");
      const r = await getOver(s, "/.well-known/jwks.json");
      expect(r.status).toBe(200);
      expect(r.json.keys[0].kid).toBe(emu.kid);
      s.destroy();
      expect(emu.requests.map((x) => x.path)).toEqual(["/.well-known/jwks.json"]);
      expect(proxy.connects).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});
