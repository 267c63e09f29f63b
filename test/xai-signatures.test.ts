import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SIGNATURES, classifyApiResponse, classifyRefreshResponse, type ApiErrorClass, type SignatureVerdict } from "../src/xai/signatures.js";
import { classifyPastedBody as classifyText } from "../src/xai/signatures/pasted.js";
import { redactString } from "../src/report/redact.js";

const redactSecrets = (s: string) => redactString(s, []);

const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/xai-bodies");

interface BodyFixture {
  source: string;
  surface: "api" | "oauth" | "text";
  status?: number;
  body?: Record<string, unknown>;
  bodyText?: string;
  text?: string;
  expect: { verdict: SignatureVerdict; signatureId?: string; status?: number };
}

const fixtures = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, fx: JSON.parse(readFileSync(path.join(FIXTURE_DIR, file), "utf8")) as BodyFixture }));

function classifyFixture(fx: BodyFixture): ApiErrorClass | null {
  const body = fx.bodyText ?? JSON.stringify(fx.body);
  if (fx.surface === "text") return classifyText(fx.text ?? "");
  if (fx.surface === "oauth") return classifyRefreshResponse(fx.status!, body);
  return classifyApiResponse(fx.status!, body, "application/json");
}

const VERDICTS: SignatureVerdict[] = [
  "entitlement_denied",
  "token_rejected",
  "spending_limit",
  "usage_exhausted",
  "rate_limited",
  "model_unavailable",
  "upstream_unavailable",
  "session_revoked",
  "not_logged_in",
  "api_key_invalid",
  "route_not_found",
  "client_outdated",
  "content_refused",
  "login_failed",
  "bad_request",
  "unknown",
];

describe("recorded xAI bodies (fixtures/xai-bodies)", () => {
  it("has the recorded bodies, each naming its source", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    for (const { file, fx } of fixtures) {
      expect(fx.source, file).toMatch(/\S{5,}/);
      expect(VERDICTS, file).toContain(fx.expect.verdict);
      if (fx.surface !== "text") expect(fx.status, file).toBeTypeOf("number");
    }
  });

  it.each(fixtures)("$file", ({ fx }) => {
    const got = classifyFixture(fx);
    expect(got).not.toBeNull();
    expect(got!.verdict).toBe(fx.expect.verdict);
    if (fx.expect.signatureId) expect(got!.signatureId).toBe(fx.expect.signatureId);
    if (fx.expect.status !== undefined) expect(got!.status).toBe(fx.expect.status);
    if (fx.status !== undefined) expect(got!.status).toBe(fx.status);
  });

  it.each(fixtures.filter(({ fx }) => fx.surface !== "text"))("$file pasted as 'HTTP n: <body>' keeps its verdict", ({ fx }) => {
    const got = classifyText(`HTTP ${fx.status}: ${fx.bodyText ?? JSON.stringify(fx.body)}`);
    expect(got?.verdict).toBe(fx.expect.verdict);
    expect(got?.status).toBe(fx.status);
  });
});

describe("classifyApiResponse", () => {
  const json = (o: unknown) => JSON.stringify(o);

  it("returns null for 2xx", () => {
    expect(classifyApiResponse(200, json({ object: "list", data: [] }), "application/json")).toBeNull();
    expect(classifyApiResponse(204, "")).toBeNull();
    // A 2xx carrying an error-looking body is still success at the HTTP layer.
    expect(classifyApiResponse(200, json({ code: "permission-denied", error: "x" }))).toBeNull();
  });

  it("never calls a bad-credentials 403 an entitlement denial", () => {
    for (const body of [
      { code: "unauthenticated:bad-credentials", error: "The OAuth2 access token could not be validated." },
      {
        code: "The caller does not have permission to execute the specified operation",
        error: "The OAuth2 access token could not be validated. [WKE=unauthenticated:bad-credentials]",
      },
      // Even when the stale-token body happens to mention Grok.
      { code: "permission-denied", error: "Grok: The OAuth2 access token could not be validated." },
    ]) {
      const got = classifyApiResponse(403, json(body));
      expect(got?.verdict).toBe("token_rejected");
      expect(got?.reloginHelps).toBe(true);
    }
  });

  it("never calls a credits 403 an entitlement denial, in either code style", () => {
    const error =
      "Your team 0d9b3f62-7c11-4a8e-b5aa-000000000002 has either used all available credits or reached its monthly spending limit.";
    for (const code of ["The caller does not have permission to execute the specified operation", "permission-denied", "permission_denied"]) {
      const got = classifyApiResponse(403, json({ code, error }));
      expect(got?.verdict).toBe("spending_limit");
      expect(got?.reloginHelps).toBe(false);
    }
  });

  it("reads the entitlement body in the new kebab code style too", () => {
    const error = "You have either run out of available resources or do not have an active Grok subscription.";
    for (const code of ["permission-denied", "permission_denied"]) {
      expect(classifyApiResponse(403, json({ code, error }))?.signatureId).toBe("grok-subscription-required");
    }
  });

  it("keeps the credits 429 (older behaviour) apart from real rate limits and usage exhaustion", () => {
    expect(classifyApiResponse(429, json({ code: "Some resource has been exhausted", error: "Your team t has either used all available credits or reached its monthly spending limit." }))?.verdict).toBe("spending_limit");
    expect(classifyApiResponse(429, json({ code: "subscription:free-usage-exhausted", error: "whatever" }))?.verdict).toBe("usage_exhausted");
    expect(classifyApiResponse(429, json({ code: "Some resource has been exhausted", error: "something new" }))?.signatureId).toBe("429-resource-exhausted");
    const bare = classifyApiResponse(429, "");
    expect(bare?.verdict).toBe("rate_limited");
    expect(bare?.lowConfidence).toBe(true);
  });

  it("treats an unrecognised 403 as entitlement, marked low confidence (decision documented in signatures.ts)", () => {
    const got = classifyApiResponse(403, json({ code: "something-new", error: "Nope." }));
    expect(got).toMatchObject({ verdict: "entitlement_denied", signatureId: "403-unrecognised", lowConfidence: true, reloginHelps: false, xaiCode: "something-new", message: "Nope." });
    expect(classifyApiResponse(403, "")?.signatureId).toBe("403-unrecognised");
    const perm = classifyApiResponse(403, json({ code: "permission-denied", error: "Your API key or team is blocked." }));
    expect(perm).toMatchObject({ verdict: "entitlement_denied", signatureId: "403-permission-denied", lowConfidence: true });
  });

  it("matches high-confidence signatures without the lowConfidence flag", () => {
    const got = classifyApiResponse(403, json({ code: "permission-denied", error: "Access to the chat endpoint is denied." }));
    expect(got?.verdict).toBe("entitlement_denied");
    expect(got?.signatureId).toBe("endpoint-access-denied");
    expect(got?.lowConfidence).toBeUndefined();
  });

  it("reads 402 personal-team-blocked as a spending limit", () => {
    const body = json({ code: "personal-team-blocked:spending-limit", error: "You have run out of credits or need a Grok subscription." });
    expect(classifyApiResponse(402, body)?.verdict).toBe("spending_limit");
    expect(classifyApiResponse(402, "")?.verdict).toBe("spending_limit");
  });

  it("maps 5xx, HTML and non-JSON bodies to upstream_unavailable", () => {
    expect(classifyApiResponse(500, json({ code: "Internal error", error: "An internal error occurred." }))?.signatureId).toBe("5xx");
    expect(classifyApiResponse(503, "")?.verdict).toBe("upstream_unavailable");
    const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>";
    const got = classifyApiResponse(502, html, "text/html");
    expect(got).toMatchObject({ verdict: "upstream_unavailable", signatureId: "html-body", message: "HTML page: 502 Bad Gateway" });
    // A 403 HTML page comes from a CDN or captive portal, not from xAI's entitlement check.
    expect(classifyApiResponse(403, "<!DOCTYPE html><html><title>Access denied | Cloudflare</title></html>")?.verdict).toBe("upstream_unavailable");
    expect(classifyApiResponse(403, "Attention required", "text/html; charset=utf-8")?.signatureId).toBe("html-body");
    expect(classifyApiResponse(403, "Forbidden by proxy policy", "text/plain")?.signatureId).toBe("non-json-body");
  });

  it("still recognises a known signature in a plain-text body", () => {
    expect(classifyApiResponse(403, "unauthenticated:bad-credentials", "text/plain")?.verdict).toBe("token_rejected");
  });

  it("distinguishes model, route and other 404s", () => {
    expect(classifyApiResponse(404, json({ code: "Some requested entity was not found", error: "The model grok-beta does not exist or your team t does not have access to it." }))?.verdict).toBe("model_unavailable");
    expect(classifyApiResponse(404, json({ code: "not-found", error: "No handler found on route." }))?.verdict).toBe("route_not_found");
    expect(classifyApiResponse(404, json({ code: "not-found", error: "?" }))).toMatchObject({ verdict: "unknown", signatureId: "404-unrecognised" });
  });

  it("maps other 400s to bad_request and unknown statuses to unknown", () => {
    expect(classifyApiResponse(400, json({ code: "invalid-argument", error: "Model grok-4.3 does not support parameter reasoningEffort." }))?.verdict).toBe("bad_request");
    expect(classifyApiResponse(415, "")?.verdict).toBe("bad_request");
    expect(classifyApiResponse(418, json({ code: "teapot", error: "short and stout" }))?.verdict).toBe("unknown");
    expect(classifyApiResponse(401, "")?.verdict).toBe("token_rejected");
  });

  it("reads OpenAI-style nested error bodies", () => {
    const got = classifyApiResponse(403, json({ error: { code: "unauthenticated:bad-credentials", message: "The OAuth2 access token could not be validated." } }));
    expect(got?.verdict).toBe("token_rejected");
    expect(got?.xaiCode).toBe("unauthenticated:bad-credentials");
  });

  it("decodes a percent-encoded error message", () => {
    const got = classifyApiResponse(400, json({ code: "Client specified an invalid argument", error: "Incorrect%20API%20key%20provided:%20***." }));
    expect(got?.verdict).toBe("api_key_invalid");
    expect(got?.message).toBe("Incorrect API key provided: ***.");
  });
});

describe("message redaction and truncation", () => {
  const jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz";
  const key = `xai-${"AbCdEf0123456789".repeat(5)}`;

  it("removes JWTs, bearer tokens, xai- keys and token fields from message", () => {
    const error = `Token ${jwt} rejected; Authorization: Bearer opaqueTOKEN_123456; key ${key}; refresh_token=rt-0123456789abcdef; masked xa***gA`;
    const got = classifyApiResponse(403, JSON.stringify({ code: "unauthenticated:bad-credentials", error }));
    const msg = got?.message ?? "";
    expect(msg).not.toContain(jwt.slice(0, 20));
    expect(msg).not.toContain("opaqueTOKEN_123456");
    expect(msg).not.toContain(key);
    expect(msg).not.toContain("rt-0123456789abcdef");
    expect(msg).toContain("xa***gA");
    expect(msg).toContain("[redacted fp:");
  });

  it("redacts in pasted text too", () => {
    const got = classifyText(`HTTP 403: {'code': 'unauthenticated:bad-credentials', 'error': 'bad token ${jwt}'}`);
    expect(got?.message).not.toContain(jwt.slice(0, 20));
    expect(JSON.stringify(classifyText(`[WKE=unauthenticated:bad-credentials] Bearer ${jwt}`))).not.toContain(jwt.slice(0, 20));
  });

  it("keeps xAI's own words untouched", () => {
    expect(redactSecrets("x_xai_token_auth=xai-grok-cli, provider xai-oauth")).toBe("x_xai_token_auth=xai-grok-cli, provider xai-oauth");
  });

  it("truncates long messages to about 300 characters", () => {
    const got = classifyApiResponse(403, JSON.stringify({ code: "x", error: "a".repeat(5000) }));
    expect(got?.message?.length).toBeLessThanOrEqual(300);
    expect(got?.message?.endsWith("…")).toBe(true);
  });
});

describe("classifyRefreshResponse", () => {
  it("returns null for 2xx", () => {
    expect(classifyRefreshResponse(200, JSON.stringify({ access_token: "a", refresh_token: "r" }))).toBeNull();
  });

  it("maps any 403 to entitlement_denied with no re-login (Hermes xai_oauth_tier_denied, PR #28351)", () => {
    for (const body of ["", "{}", JSON.stringify({ error: "access_denied" })]) {
      const got = classifyRefreshResponse(403, body);
      expect(got).toMatchObject({ verdict: "entitlement_denied", reloginHelps: false });
    }
    expect(classifyRefreshResponse(403, "{}")?.signatureId).toBe("refresh-403");
  });

  it("maps invalid_grant (revoked, not found, reused) to session_revoked", () => {
    expect(classifyRefreshResponse(401, JSON.stringify({ error: "invalid_grant" }))?.signatureId).toBe("oauth-invalid-grant");
    expect(classifyRefreshResponse(400, JSON.stringify({ error: "refresh_token_reused" }))?.verdict).toBe("session_revoked");
    const revoked = classifyRefreshResponse(400, JSON.stringify({ error: "invalid_grant", error_description: "Refresh token has been revoked" }));
    expect(revoked).toMatchObject({ verdict: "session_revoked", reloginHelps: true, xaiCode: "invalid_grant", message: "Refresh token has been revoked" });
  });

  it("maps invalid_client to login_failed (re-login with the same client cannot help)", () => {
    expect(classifyRefreshResponse(401, JSON.stringify({ error: "invalid_client" }))).toMatchObject({ verdict: "login_failed", reloginHelps: false });
  });

  it("maps 5xx and HTML to upstream_unavailable and 429 to rate_limited", () => {
    expect(classifyRefreshResponse(502, "")?.verdict).toBe("upstream_unavailable");
    expect(classifyRefreshResponse(403, "<html><title>Vercel Security Checkpoint</title></html>")?.verdict).toBe("upstream_unavailable");
    expect(classifyRefreshResponse(429, "")?.verdict).toBe("rate_limited");
  });

  it("falls back to Hermes' 400/401 => log in again", () => {
    expect(classifyRefreshResponse(400, JSON.stringify({ error: "mystery_error" }))).toMatchObject({ verdict: "session_revoked", signatureId: "refresh-4xx", lowConfidence: true });
  });
});

describe("classifyText", () => {
  it("returns null for text that is not an error", () => {
    expect(classifyText("")).toBeNull();
    expect(classifyText("   ")).toBeNull();
    expect(classifyText("hello world, everything works")).toBeNull();
    expect(classifyText("HTTP 200 OK")).toBeNull();
  });

  it("classifies bare markers without a status", () => {
    const got = classifyText("[WKE=unauthenticated:bad-credentials]");
    expect(got?.verdict).toBe("token_rejected");
    expect(got?.status).toBeUndefined();
    expect(classifyText("Error code: 403 - unauthenticated:bad-credentials")?.verdict).toBe("token_rejected");
    expect(classifyText("do not have an active Grok subscription")?.verdict).toBe("entitlement_denied");
  });

  it("parses Python repr with double-quoted strings and escapes", () => {
    const line =
      "HTTP 403: Error code: 403 - {'code': 'permission-denied', 'error': \"Access to the chat endpoint is denied. Please ensure you're using the correct credentials.\"}";
    const got = classifyText(line);
    expect(got).toMatchObject({ verdict: "entitlement_denied", signatureId: "endpoint-access-denied", status: 403, xaiCode: "permission-denied" });
    expect(got?.message).toContain("you're using");
    const escaped = classifyText("Error code: 429 - {'code': 'subscription:free-usage-exhausted', 'error': 'You\\'ve used all the included free usage', 'n': None, 'ok': False}");
    expect(escaped).toMatchObject({ verdict: "usage_exhausted", status: 429, message: "You've used all the included free usage" });
  });

  it("uses the status to tell the credits and entitlement stories apart from the rest", () => {
    expect(classifyText("Error code: 403 - {'code': 'The caller does not have permission to execute the specified operation', 'error': 'Your team abc has either used all available credits or reached its monthly spending limit.'}")?.verdict).toBe("spending_limit");
    expect(classifyText("HTTP 403: {\"code\":\"weird\",\"error\":\"?\"}")?.signatureId).toBe("403-unrecognised");
  });

  it("reads the xAI bodies inside Hermes' refresh messages (the Hermes wording itself is a triage signal)", () => {
    expect(classifyText("xAI token refresh failed. Response: {\"error\":\"invalid_grant\",\"error_description\":\"Refresh token has been revoked\"}")?.verdict).toBe("session_revoked");
    // An unknown refresh failure uses the token-endpoint fallbacks, not the inference ones.
    expect(classifyText("xAI token refresh failed. Response: HTTP 400 {\"error\":\"mystery\"}")?.signatureId).toBe("refresh-4xx");
  });

  it("classifies a pasted HTML error page as upstream", () => {
    expect(classifyText("HTTP 503 <!DOCTYPE html><html><head><title>503 Service Unavailable</title></head></html>")).toMatchObject({ verdict: "upstream_unavailable", signatureId: "html-body" });
  });

  it("survives malformed dicts", () => {
    expect(classifyText("HTTP 403: {'code': 'unterminated")?.verdict).toBe("entitlement_denied");
    expect(classifyText("{{{{ not a dict")).toBeNull();
  });
});

describe("hostile input", () => {
  it("stays fast on large, repetitive bodies and pastes", () => {
    const t0 = performance.now();
    for (const chunk of ["out of available resources ", "does not have permission ", "does not exist or your team ", "{'a': ", "{"]) {
      const big = chunk.repeat(200_000 / chunk.length);
      classifyApiResponse(403, JSON.stringify({ code: "x", error: big }));
      classifyApiResponse(403, big, "text/plain");
      classifyText(big);
    }
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

describe("the catalogue itself", () => {
  it("has unique ids, known verdicts, a source and a meaning for every entry", () => {
    const ids = SIGNATURES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SIGNATURES) {
      expect(VERDICTS, s.id).toContain(s.verdict);
      expect(s.source.length, s.id).toBeGreaterThan(3);
      expect(s.meaning.length, s.id).toBeGreaterThan(10);
    }
  });

  it("uses no stateful (global/sticky) regexes", () => {
    for (const s of SIGNATURES) {
      for (const re of [...(s.text ?? []), ...(s.codes ?? []).filter((c): c is RegExp => c instanceof RegExp)]) {
        expect(re.global || re.sticky, `${s.id} ${re}`).toBe(false);
      }
    }
  });

  it("ends with a catch-all and can produce every verdict", () => {
    const last = SIGNATURES[SIGNATURES.length - 1]!;
    expect(last).toMatchObject({ id: "unrecognised", verdict: "unknown" });
    expect(last.statuses ?? last.codes ?? last.text ?? last.bodyKinds).toBeUndefined();
    expect(new Set(SIGNATURES.map((s) => s.verdict))).toEqual(new Set(VERDICTS));
  });

  it("orders stale-token and credits signatures before the entitlement ones", () => {
    const at = (id: string) => SIGNATURES.findIndex((s) => s.id === id);
    const entitlement = at("grok-subscription-required");
    for (const id of ["token-not-validated", "bad-credentials-code", "team-credits-exhausted", "personal-team-spending-limit"]) {
      expect(at(id)).toBeGreaterThanOrEqual(0);
      expect(at(id)).toBeLessThan(entitlement);
    }
    expect(at("403-unrecognised")).toBeGreaterThan(entitlement);
  });
});

describe("precedence regressions", () => {
  it("a 403 model-not-found in the old permission style naming a grok model is model_unavailable, not entitlement", async () => {
    const { classifyApiResponse } = await import("../src/xai/signatures.js");
    const body = JSON.stringify({
      code: "The caller does not have permission to execute the specified operation",
      error: "The model grok-4.6 does not exist or your team 00000000-0000-0000-0000-000000000000 does not have access to it.",
    });
    expect(classifyApiResponse(403, body, "application/json")?.verdict).toBe("model_unavailable");
  });
});
