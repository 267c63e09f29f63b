// triage in-process: one test per signature with the real strings, the one-catalogue promise
// (live and triage verdicts agree on every recorded body), the precedence rule, the prefilter, the
// streaming reader on hostile input, the schema and the golden renderings.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyApiResponse, classifyRefreshResponse, SIGNATURES } from "../src/xai/signatures.js";
import { TRIAGE_CODES, TRIAGE_ONLY_VERDICTS, triageVerdictInfo } from "../src/diagnosis/verdicts.js";
import { buildTriageReport, triageStream, triageText } from "../src/triage/triage.js";
import { classifyPastedBody } from "../src/xai/signatures/pasted.js";
import { LINE_SIGNALS, PREFILTER } from "../src/triage/signals.js";
import { forEachLine, MAX_LINE } from "../src/triage/reader.js";
import { triageJsonSchema, TriageReportSchema } from "../src/triage/model.js";
import { renderTriageJson, renderTriageMarkdown, renderTriageText } from "../src/triage/render.js";
import { ROOT } from "./helpers/cli.js";

const SEED =
  "⚠️ Non-retryable error (HTTP 403) ❌ Non-retryable error (HTTP 403): HTTP 403: Error code: 403 - {'code': 'The caller does not have permission to execute the specified operation', 'error': 'You have either run out of available resources or do not have an active Grok subscription. Manage your subscription at https://grok.com/?_s=usage or subscribe at https://grok.com/supergrok.'} — xAI rejected this OAuth account. NOTE: X Premium+ does NOT include xAI API access — only standalone SuperGrok subscribers can use this provider.";

const TIER_DENIED =
  "xAI token refresh failed with HTTP 403. Response: {\"error\":\"access_denied\"} This OAuth account is not authorized for xAI API access — xAI may be restricting API/OAuth use to specific SuperGrok tiers despite the in-app subscription being active. Re-logging in won't change that; set ``XAI_API_KEY`` and switch to ``provider: xai`` (API-key path) if available, or upgrade your subscription at https://x.ai/grok.";

/** [what, pasted text, verdict, signature that must be among the findings] — the real strings. */
const CASES: [string, string, string, string][] = [
  ["the seed (hermes#26847), wrappers and dict repr on one line", SEED, "entitlement_denied", "grok-subscription-required"],
  ["PermissionDeniedError block with provider/model lines, no body", "⚠️  API call failed (attempt 1/3): PermissionDeniedError [HTTP 403]\n   🔌 Provider: xai-oauth  Model: grok-4.5\n❌ Non-retryable client error (HTTP 403). Aborting.", "entitlement_denied", "403-unrecognised"],
  ["HTTP 403 line, hermes#28250", "HTTP 403: OAuth2 access token could not be validated", "token_rejected", "token-not-validated"],
  ["raw JSON body, new kebab code", "{\"code\":\"unauthenticated:bad-credentials\",\"error\":\"The OAuth2 access token could not be validated.\"}", "token_rejected", "bad-credentials-code"],
  ["raw JSON body, old code phrase with WKE marker", "{\"code\": \"The caller does not have permission to execute the specified operation\", \"error\": \"The OAuth2 access token could not be validated. [WKE=unauthenticated:bad-credentials]\"}", "token_rejected", "token-not-validated"],
  ["refresh revoked (Hermes refresh message)", "xAI token refresh failed. Response: {\"error\":\"invalid_grant\",\"error_description\":\"Refresh token has been revoked\"}", "session_revoked", "oauth-refresh-token-revoked"],
  ["refresh token not found", "HTTP 400: {\"error\": \"invalid_grant\", \"error_description\": \"Refresh token not found or invalid\"}", "session_revoked", "oauth-refresh-token-not-found"],
  ["bare invalid_grant", "xAI token refresh failed. Response: HTTP 400 {\"error\":\"invalid_grant\"}", "session_revoked", "oauth-invalid-grant"],
  ["Hermes tier-denied refresh message", TIER_DENIED, "entitlement_denied", "hermes-tier-denied"],
  ["missing credentials", "No xAI OAuth credentials stored. Select xAI Grok OAuth (SuperGrok / Premium+) in `hermes model`.", "not_logged_in", "hermes-no-credentials"],
  ["missing tokens", "xAI OAuth state is missing refresh_token. Re-authenticate with `hermes model`.", "state_invalid", "hermes-state-missing-tokens"],
  ["quarantine (pasted auth.json)", "{\n  \"providers\": {\n    \"xai-oauth\": {\n      \"last_auth_error\": {\n        \"code\": \"xai_refresh_failed\",\n        \"reason\": \"runtime_refresh_failure\",\n        \"relogin_required\": true\n      }\n    }\n  }\n}", "session_quarantined", "hermes-quarantined"],
  ["auth store lock timeout", "TimeoutError: Timed out waiting for auth store lock", "lock_timeout", "hermes-auth-lock-timeout"],
  ["XAI_API_KEY preempts the OAuth provider", "Provider resolved to 'xai' via XAI_API_KEY, preempting your logged-in OAuth provider 'xai-oauth'. If you meant to use the OAuth login, unset XAI_API_KEY or set `model.provider` explicitly.", "provider_preempted", "hermes-api-key-preempts"],
  ["corrupt store", "auth: failed to parse /home/u/.hermes/auth.json (Expecting value: line 1 column 1 (char 0)), starting with empty store. Corrupt file preserved at /home/u/.hermes/auth.json.corrupt", "store_corrupt", "hermes-corrupt-store"],
  ["unreadable store", "PermissionError: [Errno 13] Permission denied: '/home/u/.hermes/auth.json'", "store_unreadable", "hermes-store-unreadable"],
  ["login: state mismatch", "xAI authorization failed: state mismatch.", "login_failed", "login-state-mismatch"],
  ["login: callback timeout", "xAI authorization timed out waiting for the local callback.", "login_failed", "login-callback-timeout"],
  ["login: code_challenge is required", "HTTP 400: code_challenge is required", "login_failed", "login-pkce"],
  ["login: code_challenge_method", "xAI authorization failed: code_challenge_method must be S256", "login_failed", "login-pkce"],
  ["login: device authorization timeout", "Timed out waiting for xAI device authorization.", "login_failed", "login-device-timeout"],
  ["login: device-code polling refused", "xAI device-code token polling failed: The device code was denied by the user.", "login_failed", "login-device-polling-failed"],
  ["login: client refused, as Hermes prints error_description", "xAI device-code token polling failed: Unknown or disabled client", "login_failed", "login-invalid-client"],
  ["login: unknown scope", "xAI device-code token polling failed: {\"error\": \"invalid_scope\", \"error_description\": \"unknown scope\"}", "login_failed", "login-invalid-scope"],
  ["login: invalid_client", "{\"error\":\"invalid_client\",\"error_description\":\"Unknown or disabled client\"}", "login_failed", "oauth-invalid-client"],
  ["Grok CLI proxy 426", "HTTP 426: {\"error\":\"Your Grok CLI version (none) is outdated. Please update to version 0.1.202 or later via `grok update` or the installation documentation.\"}", "client_outdated", "proxy-client-outdated"],
  ["Grok CLI proxy 401", "HTTP 401: {\"error\":\"Invalid or expired credentials (auth_kind=bearer, x_xai_token_auth=none, upstream=Unauthenticated, reason=no auth context)\"}", "token_rejected", "proxy-invalid-or-expired"],
  ["capacity inside a stream", "data: {\"type\":\"error\",\"error\":{\"message\":\"The model is currently at capacity due to high demand. Please try again later.\"}}", "upstream_unavailable", "upstream-capacity"],
  ["request timeout", "openai.APITimeoutError: Request timed out.", "timed_out", "request-timed-out"],
  ["ECONNREFUSED", "Error: connect ECONNREFUSED 127.0.0.1:443", "network_unreachable", "network-unreachable"],
  ["ETIMEDOUT", "Error: connect ETIMEDOUT 104.18.38.1:443", "network_unreachable", "network-unreachable"],
  ["DNS", "httpx.ConnectError: [Errno -3] Temporary failure in name resolution", "network_unreachable", "network-unreachable"],
  ["certificate (Python)", "httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)", "tls_untrusted", "tls-untrusted"],
  ["certificate (Node)", "Error: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)", "tls_untrusted", "tls-untrusted"],
  ["content refused", "Error code: 403 - {'code': 'The caller does not have permission to execute the specified operation', 'error': 'Content violates usage guidelines. Team: [REDACTED], API key ID: [REDACTED], Model: grok-4-0709, Failed check: SAFETY_CHECK_TYPE_BIO'}", "content_refused", "content-violates-guidelines"],
  ["spending limit", "HTTP 403: {\"code\":\"personal-team-blocked:spending-limit\",\"error\":\"You have run out of credits or need a Grok subscription.\"}", "spending_limit", "personal-team-spending-limit"],
  ["usage exhausted", "Error code: 429 - {'code': 'subscription:free-usage-exhausted', 'error': \"You've used all the included free usage for model grok-4.5-build-free for now.\"}", "usage_exhausted", "free-usage-exhausted"],
  ["rate limited", "HTTP 429: {\"code\":\"Some resource has been exhausted\",\"error\":\"Too many requests for team 00000000-0000-4000-8000-000000000000\"}", "rate_limited", "rate-limit-team"],
  ["model unavailable", "HTTP 404: {\"code\":\"not-found\",\"error\":\"The model grok-4-1-fast-reasoning does not exist or your team t does not have access to it.\"}", "model_unavailable", "model-not-found"],
  ["route not found", "HTTP 404: {\"code\":\"Some requested entity was not found\",\"error\":\"No handler found on route. Please double check your URL.\"}", "route_not_found", "route-not-found"],
  ["API key invalid", "Error code: 400 - {'code': 'Client specified an invalid argument', 'error': 'Incorrect API key provided: xa***gA. You can obtain an API key from https://console.x.ai.'}", "api_key_invalid", "api-key-incorrect"],
  ["bad request", "Error code: 400 - {'code': 'invalid-argument', 'error': 'Argument not supported on this model: presencePenalty'}", "bad_request", "400-invalid-argument"],
  ["a successful xAI answer", "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"OK\"}]}]}", "healthy", "xai-answer"],
];

describe("one test per signature, with the real strings", () => {
  it.each(CASES)("%s", async (_what, text, code, signature) => {
    const got = await triageText("paste", text);
    expect(got.verdict.code).toBe(code);
    expect(got.findings.map((f) => f.signature)).toContain(signature);
    expect(got.explanation.length).toBeGreaterThan(20);
    if (code !== "healthy") expect(got.fixes.length).toBeGreaterThan(0);
    expect(got.cannotTell.length).toBeGreaterThan(0);
  });

  it("covers every triage signal and every verdict of the vocabulary but clock_skew", () => {
    const used = new Set(CASES.map((c) => c[3]));
    for (const s of LINE_SIGNALS) if (s.code !== "unknown" && s.id !== "hermes-doctor-not-logged-in") expect(used, s.id).toContain(s.id);
    // clock_skew is only read back from a doctor report: a paste cannot show a clock offset.
    const codes = new Set(CASES.map((c) => c[2]));
    for (const code of TRIAGE_CODES) if (!["clock_skew", "unknown"].includes(code)) expect(codes, code).toContain(code);
  });

  it("says whether signing in again helps, from the signature", async () => {
    expect((await triageText("p", SEED)).verdict.reloginHelps).toBe(false);
    expect((await triageText("p", "HTTP 403: OAuth2 access token could not be validated")).verdict.reloginHelps).toBe(true);
  });

  it("marks a status-only verdict low confidence and says what it cannot tell", async () => {
    const got = await triageText("p", CASES[1]![1]);
    expect(got.verdict).toMatchObject({ code: "entitlement_denied", confidence: "low" });
    expect(got.explanation).toContain("provider xai-oauth, model grok-4.5");
    expect(got.cannotTell.join(" ")).toMatch(/only a status/);
    expect(got.fixes.map((f) => f.command)).toContain("hermes-doctor xai");
  });

  it("every fix text comes from the one verdict catalogue", async () => {
    for (const [, text, code] of CASES) {
      const got = await triageText("p", text);
      const catalogue = triageVerdictInfo(got.verdict.code).fixes;
      expect(got.fixes.slice(0, catalogue.length), code).toEqual(catalogue);
    }
    expect(Object.keys(TRIAGE_ONLY_VERDICTS).sort()).toEqual(TRIAGE_CODES.filter((c) => !["entitlement_denied", "token_rejected", "session_revoked", "session_quarantined", "spending_limit", "usage_exhausted", "rate_limited", "model_unavailable", "upstream_unavailable", "network_unreachable", "tls_untrusted", "clock_skew", "timed_out", "not_logged_in", "state_invalid", "store_corrupt", "store_unreadable", "healthy"].includes(c)).sort());
  });
});

// ------------------------------------------------------------------------------------------------

const FIXTURE_DIR = path.join(ROOT, "fixtures/xai-bodies");
const bodies = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((file) => ({ file, fx: JSON.parse(readFileSync(path.join(FIXTURE_DIR, file), "utf8")) as { surface: string; status?: number; body?: unknown } }))
  .filter(({ fx }) => fx.surface !== "text");

describe("one catalogue: a triage verdict and a live verdict for the same body never disagree", () => {
  it("has recorded bodies to compare", () => expect(bodies.length).toBeGreaterThanOrEqual(24));

  it.each(bodies)("$file", async ({ fx }) => {
    const body = JSON.stringify(fx.body);
    const live = fx.surface === "oauth" ? classifyRefreshResponse(fx.status!, body) : classifyApiResponse(fx.status!, body, "application/json");
    expect(live).not.toBeNull();
    // As Hermes logs it, the status and body on one line; and the status line, then the body alone.
    for (const text of [`HTTP ${fx.status}: ${body}`, `Error code: ${fx.status}\n${body}`]) {
      const got = await triageText("paste", text);
      expect(got.verdict.code, text).toBe(live!.verdict);
      expect(got.findings.map((f) => f.signature), text).toContain(live!.signatureId);
      expect(got.verdict.reloginHelps).toBe(live!.reloginHelps);
    }
  });

  it("every catalogue verdict is a triage code", () => {
    for (const s of SIGNATURES) expect(TRIAGE_CODES, s.id).toContain(s.verdict);
  });
});

// ------------------------------------------------------------------------------------------------

describe("the precedence rule (docs/triage.md)", () => {
  const verdictOf = async (text: string) => (await triageText("p", text)).verdict;

  it("an error outranks a warning, whatever the order", async () => {
    const preempt = CASES.find((c) => c[2] === "provider_preempted")![1];
    const keyBad = CASES.find((c) => c[2] === "api_key_invalid")![1];
    expect((await verdictOf(`${preempt}\n${keyBad}`)).code).toBe("api_key_invalid");
    expect((await verdictOf(`${keyBad}\n${preempt}`)).code).toBe("api_key_invalid");
    expect((await verdictOf(preempt)).code).toBe("provider_preempted");
  });

  it("a specific body outranks a generic status line, whatever the order", async () => {
    const generic = "⚠️  API call failed (attempt 1/3): PermissionDeniedError [HTTP 403]";
    const body = "HTTP 403: {\"code\":\"unauthenticated:bad-credentials\",\"error\":\"The OAuth2 access token could not be validated.\"}";
    for (const text of [`${generic}\n${body}`, `${body}\n${generic}`]) expect(await verdictOf(text)).toMatchObject({ code: "token_rejected", confidence: "high" });
  });

  it("a specific message outranks a generic timeout word on the same line", async () => {
    expect((await verdictOf("TimeoutError: Timed out waiting for auth store lock")).code).toBe("lock_timeout");
  });

  it("among equals, the later line explains the current failure", async () => {
    const stale = "HTTP 403: OAuth2 access token could not be validated";
    expect((await verdictOf(`${stale}\n${SEED}`)).code).toBe("entitlement_denied");
    expect((await verdictOf(`${SEED}\n${stale}`)).code).toBe("token_rejected");
  });

  it("an error outranks a pasted success; a success outranks non-decisive rows", async () => {
    const ok = CASES.find((c) => c[2] === "healthy")![1];
    expect((await verdictOf(`${ok}\n${SEED}`)).code).toBe("entitlement_denied");
    expect((await verdictOf(`✓ xAI OAuth (logged in)\n${ok}`)).code).toBe("healthy");
  });

  it("a doctor report's own verdict outranks the lines inside it", async () => {
    const md = "### hermes-doctor xai: `token_rejected`\n\n| ✗ | `entitlement.inference` | HTTP 403 — do not have an active Grok subscription |";
    expect(await verdictOf(md)).toMatchObject({ code: "token_rejected", confidence: "high" });
  });
});

describe("unknown: a paste that proves nothing decisive never guesses", () => {
  it.each([
    ["only hermes doctor's logged-in row", "  ✓ xAI OAuth (logged in)", /only reads the stored tokens/],
    ["only the credential pool line", "credential pool: no available entries (all exhausted or empty)", /no usable entry/],
    ["nothing at all", "", /Nothing in it is decisive/],
    ["an ordinary log", "2026-11-28 INFO gateway started\n2026-11-28 INFO turn finished in 2.1 s", /Nothing in it is decisive/],
  ])("%s", async (_what, text, shows) => {
    const got = await triageText("p", text);
    expect(got.verdict).toEqual({ code: "unknown", confidence: "low", reloginHelps: false });
    expect(got.explanation).toMatch(shows);
    expect(got.fixes[0]?.command).toBe("hermes-doctor xai --format markdown");
    expect(got.cannotTell.join(" ")).toMatch(/whether the login works/i);
  });
});

describe("the prefilter", () => {
  it("lets through every line that any signal or catalogue signature recognises", () => {
    const texts = [...CASES.map((c) => c[1]), ...bodies.flatMap(({ fx }) => [JSON.stringify(fx.body), `HTTP ${fx.status}: ${JSON.stringify(fx.body)}`])];
    let checked = 0;
    for (const line of texts.flatMap((t) => t.split("\n"))) {
      const recognised = !!classifyPastedBody(line, 403) || LINE_SIGNALS.some((s) => s.re.test(line));
      if (recognised) {
        checked++;
        expect(PREFILTER.test(line), line).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("skips ordinary log lines", () => {
    for (const line of ["2026-11-28 12:00:00,123 INFO run_agent: turn started session=abc model=grok-4.6", "2026-12-01 10:00:00,123 INFO agent.run_agent: turn 42 started (provider=xai-oauth model=grok-4.6)", "DEBUG memory: stored 3 facts for user 42"]) expect(PREFILTER.test(line)).toBe(false);
  });

  it("uses no stateful regexes", () => {
    for (const re of [PREFILTER, ...LINE_SIGNALS.map((s) => s.re)]) expect(re.global || re.sticky, String(re)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------

async function linesOf(chunks: (Buffer | string)[]): Promise<string[]> {
  const out: string[] = [];
  await forEachLine(chunks, (l) => out.push(l));
  return out;
}

describe("the streaming reader on hostile input", () => {
  it("splits lines across chunk boundaries, even inside a multi-byte character, and drops CR", async () => {
    const bytes = Buffer.from("first ⚠️ line\r\nsecond\nthird");
    expect(await linesOf([...bytes].map((b) => Buffer.from([b])))).toEqual(["first ⚠️ line", "second", "third"]);
  });

  it("decodes ASCII chunks on the fast path exactly as the streaming decoder would, around cut characters", async () => {
    // A lead byte at a chunk's end, then a pure-ASCII chunk: the decoder's held byte becomes U+FFFD.
    expect(await linesOf([Buffer.from([0x61, 0xe2]), Buffer.from("bc\n")])).toEqual(["a\ufffdbc"]);
    // A character cut between chunks, then ASCII: decoded whole.
    expect(await linesOf([Buffer.from([0x61, 0xc3]), Buffer.from([0xa9, 0x62]), Buffer.from("c\n")])).toEqual(["a\u00e9bc"]);
    // Every way of cutting a mixed text into three chunks reads as the whole text does.
    const text = Buffer.from("ok ascii\nnon-ascii ⚠️ é 𝄞\n\xff tail\nlast");
    const whole = new TextDecoder().decode(text).split("\n");
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        expect(await linesOf([text.subarray(0, i), text.subarray(i, j), text.subarray(j)]), `${i}/${j}`).toEqual(whole);
      }
    }
  });

  it("turns invalid UTF-8 into U+FFFD and drops NUL bytes (a UTF-16 log still matches)", async () => {
    expect(await linesOf([Buffer.from([0x66, 0xff, 0xfe, 0x6f, 0x0a])])).toEqual(["f\ufffd\ufffdo"]);
    const utf16 = Buffer.from("HTTP 403: OAuth2 access token could not be validated\n", "utf16le");
    expect((await triageStream("u16", [utf16])).verdict.code).toBe("token_rejected");
  });

  it("survives binary junk around a real error line", async () => {
    const junk = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
    const got = await triageStream("junk", [junk, Buffer.from(`\n${SEED}\n`), junk]);
    expect(got.verdict.code).toBe("entitlement_denied");
    expect(got.bytes).toBe(2 * junk.length + Buffer.byteLength(`\n${SEED}\n`));
  });

  it("matches a 10 MB line on its first MAX_LINE characters and holds no more of it", async () => {
    const head = Buffer.from(`${SEED} `);
    const tail = Buffer.alloc(10 * 1024 * 1024, "a");
    const lines: number[] = [];
    await forEachLine([head, tail, Buffer.from("\nnext\n")], (l) => lines.push(l.length));
    expect(lines).toEqual([MAX_LINE, 4]);
    expect((await triageStream("long", [head, tail])).verdict.code).toBe("entitlement_denied");
    // A signature beyond the cap is not seen, and nothing crashes.
    expect((await triageStream("long2", [tail, Buffer.from(SEED)])).verdict.code).toBe("unknown");
  });

  it("keeps only one finding per signature on a long log (bounded memory)", async () => {
    const got = await triageText("log", `${SEED}\n`.repeat(5_000));
    expect(got.findings).toHaveLength(1);
    expect(got.findings[0]!.line).toBe(5_000);
    expect(got.explanation).toMatch(/Seen 5000 times, last on line 5000/);
  });
});

// ------------------------------------------------------------------------------------------------

async function sampleReport() {
  const inputs = [
    await triageText("seed.txt", SEED),
    await triageText("block.log", CASES[1]![1]),
    await triageText("row.txt", "  ✓ xAI OAuth (logged in)"),
  ];
  return buildTriageReport(inputs, "9.9.9");
}

describe("the result model and renderers", () => {
  it("validates against its schema, with one result per input and a tally", async () => {
    const r = await sampleReport();
    expect(TriageReportSchema.safeParse(r).success).toBe(true);
    expect(r.tally).toEqual({ entitlement_denied: 2, unknown: 1 });
    expect(Object.keys(r.inputs[0]!).sort()).toEqual(["bytes", "cannotTell", "explanation", "findings", "fixes", "name", "verdict"]);
  });

  it("the committed JSON Schema matches the zod model (run `npm run schema` after changing it)", () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, "docs/triage.schema.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(triageJsonSchema())));
  });

  it("text, JSON and Markdown match the golden files", async () => {
    const r = await sampleReport();
    await expect(renderTriageText(r)).toMatchFileSnapshot("golden/triage.txt");
    await expect(renderTriageMarkdown(r)).toMatchFileSnapshot("golden/triage.md");
    await expect(renderTriageJson(r)).toMatchFileSnapshot("golden/triage.json");
  });
});
