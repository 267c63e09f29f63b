import { describe, expect, it } from "vitest";
import {
  DEFAULT_API_BASE,
  DEFAULT_ISSUER,
  EndpointError,
  discoveryUrl,
  isLoopback,
  isXaiOrigin,
  resolveEndpoints,
  validateEndpoint,
} from "../src/xai/endpoints.js";

function thrown(fn: () => unknown): EndpointError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EndpointError);
    return e as EndpointError;
  }
  throw new Error("expected an EndpointError");
}

describe("resolveEndpoints", () => {
  it("defaults to auth.x.ai and api.x.ai/v1 with nothing overridden", () => {
    expect(resolveEndpoints({}, {})).toEqual({
      issuer: DEFAULT_ISSUER,
      apiBase: DEFAULT_API_BASE,
      issuerOverridden: false,
      apiBaseOverridden: false,
    });
    expect(DEFAULT_ISSUER).toBe("https://auth.x.ai");
    expect(DEFAULT_API_BASE).toBe("https://api.x.ai/v1");
  });

  it("takes HERMES_DOCTOR_ISSUER / HERMES_DOCTOR_API_BASE from the environment", () => {
    const got = resolveEndpoints({}, { HERMES_DOCTOR_ISSUER: "http://127.0.0.1:8443", HERMES_DOCTOR_API_BASE: "https://api.x.ai/v1/" });
    expect(got).toEqual({
      issuer: "http://127.0.0.1:8443",
      apiBase: "https://api.x.ai/v1",
      issuerOverridden: true,
      apiBaseOverridden: true,
      overrideSource: { issuer: "env", apiBase: "env" },
    });
  });

  it("lets a flag beat the environment variable, per field", () => {
    const got = resolveEndpoints(
      { issuer: "https://auth.staging.x.ai" },
      { HERMES_DOCTOR_ISSUER: "http://127.0.0.1:1", HERMES_DOCTOR_API_BASE: "http://localhost:9/v1" },
    );
    expect(got.issuer).toBe("https://auth.staging.x.ai");
    expect(got.apiBase).toBe("http://localhost:9/v1");
    expect(got.overrideSource).toEqual({ issuer: "flag", apiBase: "env" });
  });

  it("treats an empty environment variable as unset", () => {
    expect(resolveEndpoints({}, { HERMES_DOCTOR_ISSUER: "", HERMES_DOCTOR_API_BASE: "  " })).toMatchObject({
      issuer: DEFAULT_ISSUER,
      issuerOverridden: false,
      apiBaseOverridden: false,
    });
  });

  it("normalises trailing slashes, case, default ports and whitespace", () => {
    expect(resolveEndpoints({ issuer: " HTTPS://Auth.X.AI:443/// " }, {}).issuer).toBe("https://auth.x.ai");
    expect(resolveEndpoints({ apiBase: "https://api.x.ai/v1//" }, {}).apiBase).toBe("https://api.x.ai/v1");
    expect(resolveEndpoints({ apiBase: "http://[::1]:8080/v1/" }, {}).apiBase).toBe("http://[::1]:8080/v1");
    expect(resolveEndpoints({ issuer: "https://auth.x.ai/" }, {}).issuer).toBe("https://auth.x.ai");
  });

  it("throws a one-line EndpointError naming the flag for a bad URL", () => {
    const e = thrown(() => resolveEndpoints({ issuer: "not a url" }, {}));
    expect(e.option).toBe("--issuer");
    expect(e.message).toMatch(/^--issuer: "not a url" is not a valid URL$/);
    expect(e.message).not.toContain("\n");
  });

  it("names the environment variable when the bad value came from there", () => {
    const e = thrown(() => resolveEndpoints({}, { HERMES_DOCTOR_API_BASE: "ftp://api.x.ai/v1" }));
    expect(e.option).toBe("HERMES_DOCTOR_API_BASE");
    expect(e.message).toContain("HERMES_DOCTOR_API_BASE");
  });

  it("rejects empty flags, credentials, query strings and fragments", () => {
    expect(thrown(() => resolveEndpoints({ apiBase: "" }, {})).message).toBe("--api-base is empty");
    const cred = thrown(() => resolveEndpoints({ issuer: "https://user:s3cret@auth.x.ai" }, {}));
    expect(cred.message).not.toContain("s3cret");
    expect(thrown(() => resolveEndpoints({ apiBase: "https://api.x.ai/v1?x=1" }, {})).option).toBe("--api-base");
    expect(thrown(() => resolveEndpoints({ apiBase: "https://api.x.ai/v1#frag" }, {})).option).toBe("--api-base");
  });

  it("refuses an http override on a non-loopback host (tokens would travel in clear)", () => {
    const e = thrown(() => resolveEndpoints({ apiBase: "http://api.x.ai/v1" }, {}));
    expect(e.option).toBe("--api-base");
    expect(e.message).toMatch(/plain http/);
    expect(() => resolveEndpoints({}, { HERMES_DOCTOR_ISSUER: "http://192.168.1.5:8080" })).toThrow(/HERMES_DOCTOR_ISSUER/);
  });

  it("allows https overrides anywhere (a test server, a staging host)", () => {
    expect(resolveEndpoints({ issuer: "https://emulator.example.test:8443" }, {}).issuer).toBe("https://emulator.example.test:8443");
  });
});

describe("isXaiOrigin", () => {
  it.each([
    ["https://x.ai", true],
    ["https://auth.x.ai/oauth2/token", true],
    ["https://api.x.ai/v1", true],
    ["https://us-east-1.api.x.ai/v1", true],
    ["https://AUTH.X.AI/", true],
    ["http://x.ai", false],
    ["http://auth.x.ai/oauth2/token", false],
    ["https://evil-x.ai.com", false],
    ["https://x.ai.evil.com", false],
    ["https://evilx.ai", false],
    ["https://notx.ai/", false],
    ["https://x.ai@evil.com/", false],
    ["https://evil.com\\@x.ai/", false],
    ["https://evil.com/x.ai", false],
    ["https://evil.com?x.ai", false],
    ["ftp://x.ai", false],
    ["not a url", false],
    ["", false],
  ])("%s -> %s", (url, expected) => {
    expect(isXaiOrigin(url)).toBe(expected);
  });
});

describe("isLoopback", () => {
  it.each([
    ["http://127.0.0.1:56121/callback", true],
    ["http://127.8.9.10", true],
    ["http://127.1:80", true],
    ["http://localhost:3000", true],
    ["http://LOCALHOST", true],
    ["http://[::1]:8080/", true],
    ["http://[::ffff:127.0.0.1]/", true],
    ["http://128.0.0.1", false],
    ["http://10.0.0.1", false],
    ["http://localhost.evil.com", false],
    ["http://127.0.0.1.nip.io", false],
    ["http://[::2]", false],
    ["https://auth.x.ai", false],
    ["garbage", false],
  ])("%s -> %s", (url, expected) => {
    expect(isLoopback(url)).toBe(expected);
  });
});

describe("validateEndpoint", () => {
  const strict = { overridden: false, field: "token_endpoint" };
  const loose = { overridden: true, field: "--issuer" };

  it("without an override: only https on x.ai / *.x.ai", () => {
    expect(validateEndpoint("https://auth.x.ai/oauth2/token", strict)).toEqual({ ok: true });
    expect(validateEndpoint("https://x.ai/oauth2/token", strict)).toEqual({ ok: true });
  });

  it("quotes Hermes' xai_discovery_invalid wording", () => {
    expect(validateEndpoint("https://x.ai.evil.com/token", strict)).toEqual({
      ok: false,
      message: "xAI OIDC discovery token_endpoint host 'x.ai.evil.com' is not on the xAI origin (expected x.ai or a *.x.ai subdomain).",
    });
    expect(validateEndpoint("http://auth.x.ai/oauth2/token", strict)).toEqual({
      ok: false,
      message: "xAI OIDC discovery returned a non-HTTPS token_endpoint: 'http://auth.x.ai/oauth2/token'.",
    });
    const api = validateEndpoint("https://evil-x.ai.com/v1", { overridden: false, field: "apiBase" });
    expect(api.ok).toBe(false);
    if (!api.ok) expect(api.message).toMatch(/^xAI apiBase host 'evil-x.ai.com' is not on the xAI origin/);
  });

  it("without an override, loopback http is still refused", () => {
    expect(validateEndpoint("http://127.0.0.1:8443/oauth2/token", strict).ok).toBe(false);
  });

  it("with an override: http only on loopback, https anywhere", () => {
    expect(validateEndpoint("http://127.0.0.1:8443", loose)).toEqual({ ok: true });
    expect(validateEndpoint("http://localhost:8443", loose)).toEqual({ ok: true });
    expect(validateEndpoint("http://[::1]:8443", loose)).toEqual({ ok: true });
    expect(validateEndpoint("https://emulator.example.test", loose)).toEqual({ ok: true });
    const http = validateEndpoint("http://x.ai", loose);
    expect(http.ok).toBe(false);
    if (!http.ok) expect(http.message).toMatch(/^--issuer uses plain http on non-loopback host 'x.ai'/);
    expect(validateEndpoint("file:///etc/passwd", loose).ok).toBe(false);
  });

  it("refuses unparseable URLs and embedded credentials without echoing passwords", () => {
    expect(validateEndpoint("::::", strict).ok).toBe(false);
    const cred = validateEndpoint("https://u:hunter22@auth.x.ai", strict);
    expect(cred.ok).toBe(false);
    if (!cred.ok) expect(cred.message).not.toContain("hunter22");
  });
});

describe("discoveryUrl", () => {
  it("appends the well-known path once", () => {
    expect(discoveryUrl("https://auth.x.ai")).toBe("https://auth.x.ai/.well-known/openid-configuration");
    expect(discoveryUrl("https://auth.x.ai/")).toBe("https://auth.x.ai/.well-known/openid-configuration");
    expect(discoveryUrl("http://127.0.0.1:8443/tenant/")).toBe("http://127.0.0.1:8443/tenant/.well-known/openid-configuration");
  });
});
