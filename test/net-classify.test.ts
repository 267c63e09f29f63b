// Pure classification of error shapes that are hard to provoke on loopback.
import { describe, expect, it } from "vitest";
import { errors } from "undici";
import { classifyTransportError } from "../src/net/classify.js";
import { proxyForUrl, readProxyEnv, safeProxyOrigin, stripUserinfo } from "../src/net/proxy.js";

const ctx = { url: "https://api.x.ai/v1/models" };
const proxied = { url: "https://api.x.ai/v1/models", viaProxy: "http://bob:hunter2@proxy.corp:3128" };
const nodeErr = (code: string, message = code, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), { code, ...extra });

describe("classifyTransportError", () => {
  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "refused"],
    ["ECONNRESET", "reset"],
    ["UND_ERR_SOCKET", "reset"],
    ["UND_ERR_CONNECT_TIMEOUT", "connect_timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "headers_timeout"],
    ["UND_ERR_BODY_TIMEOUT", "body_timeout"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls_untrusted"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls_untrusted"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "tls_untrusted"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls_untrusted"],
    ["CERT_HAS_EXPIRED", "tls_expired"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls_hostname"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls_other"],
    ["EWHATEVER", "other"],
  ])("%s -> %s", (code, kind) => {
    const f = classifyTransportError(nodeErr(code), ctx);
    expect(f.kind).toBe(kind);
    expect(f.code).toBe(code);
    expect(f.host).toBe("api.x.ai");
    expect(f.message).not.toContain("\n");
  });

  it("undici error classes (matched by code, not instanceof)", () => {
    expect(classifyTransportError(new errors.ConnectTimeoutError(), ctx).kind).toBe("connect_timeout");
    expect(classifyTransportError(new errors.HeadersTimeoutError(), ctx).kind).toBe("headers_timeout");
    expect(classifyTransportError(new errors.BodyTimeoutError(), ctx).kind).toBe("body_timeout");
    expect(classifyTransportError(new errors.SocketError("other side closed"), ctx).kind).toBe("reset");
    expect(classifyTransportError(new errors.RequestAbortedError(), ctx).kind).toBe("aborted");
  });

  it("DOMException TimeoutError / AbortError, and non-Error reasons", () => {
    expect(classifyTransportError(new DOMException("t", "TimeoutError"), ctx)).toMatchObject({ kind: "timeout", code: "TimeoutError" });
    expect(classifyTransportError(new DOMException("a", "AbortError"), ctx)).toMatchObject({ kind: "aborted", code: "AbortError" });
    expect(classifyTransportError("just a string", ctx).kind).toBe("other");
  });

  it("a refused CONNECT as undici 7 reports it -> proxy_refused", () => {
    const err = new errors.RequestAbortedError("Proxy response (403) !== 200 when HTTP Tunneling");
    const f = classifyTransportError(err, proxied);
    expect(f).toMatchObject({ kind: "proxy_refused", proxyStatus: 403, code: "UND_ERR_ABORTED", viaProxy: "http://proxy.corp:3128" });
    expect(f.message).toContain("http://proxy.corp:3128");
    expect(f.message).not.toContain("hunter2");
  });

  it("connection errors behind a proxy are about the proxy", () => {
    expect(classifyTransportError(nodeErr("ECONNREFUSED"), proxied).kind).toBe("proxy_unreachable");
    expect(classifyTransportError(nodeErr("ENOTFOUND"), proxied).kind).toBe("proxy_unreachable");
    const t = new errors.ConnectTimeoutError("Connect Timeout Error (attempted address: proxy.corp:3128, timeout: 5000ms)");
    expect(classifyTransportError(t, proxied).kind).toBe("proxy_unreachable");
    const t2 = new errors.ConnectTimeoutError("Connect Timeout Error (attempted address: api.x.ai:443, timeout: 5000ms)");
    expect(classifyTransportError(t2, proxied).kind).toBe("connect_timeout");
  });

  it("untrusted certificate behind a proxy names the proxy and both fixes", () => {
    const f = classifyTransportError(nodeErr("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"), proxied);
    expect(f.kind).toBe("tls_untrusted");
    expect(f.message).toContain("proxy http://proxy.corp:3128");
    expect(f.message).toContain("--ca-file <corp-ca.pem>");
    expect(f.message).toContain("NODE_EXTRA_CA_CERTS");
    expect(f.message).not.toContain("hunter2");
  });

  it("unwraps undici's proxy TLS wrapper and Node's AggregateError", () => {
    const wrapped = Object.assign(new Error("wrapped"), { code: "UND_ERR_PRX_TLS", cause: nodeErr("ERR_TLS_CERT_ALTNAME_INVALID") });
    const f = classifyTransportError(wrapped, proxied);
    expect(f.kind).toBe("tls_hostname");
    expect(f.message).toContain("proxy http://proxy.corp:3128");
    const agg = new AggregateError([nodeErr("ECONNREFUSED"), nodeErr("ECONNREFUSED")], "all failed");
    expect(classifyTransportError(agg, ctx).kind).toBe("refused");
  });

  it("strips userinfo from any URL quoted in a message", () => {
    const f = classifyTransportError(nodeErr("EWHATEVER", "failed to use http://bob:hunter2@proxy.corp:3128/ now"), ctx);
    expect(f.message).toContain("http://proxy.corp:3128/");
    expect(f.message).not.toContain("hunter2");
  });
});

describe("proxy env", () => {
  it("lower case first, HTTPS falls back to HTTP, NO_PROXY suffix and port rules", () => {
    const p = readProxyEnv({ http_proxy: "http://lower:1", HTTP_PROXY: "http://upper:2", NO_PROXY: ".internal, localhost:8443" });
    expect(p.httpProxy).toBe("http://lower:1");
    expect(proxyForUrl(p, new URL("https://api.x.ai/"))).toBe("http://lower:1");
    expect(proxyForUrl(p, new URL("https://svc.internal/"))).toBeUndefined();
    expect(proxyForUrl(p, new URL("https://localhost:8443/"))).toBeUndefined();
    expect(proxyForUrl(p, new URL("https://localhost:9000/"))).toBe("http://lower:1");
    expect(proxyForUrl(readProxyEnv({ HTTPS_PROXY: "http://p:1", NO_PROXY: "*" }), new URL("https://api.x.ai/"))).toBeUndefined();
  });

  it("an empty lower-case variable wins over upper case (as in undici)", () => {
    const p = readProxyEnv({ https_proxy: "", HTTPS_PROXY: "http://p:1" });
    expect(p.httpsProxy).toBeUndefined();
  });

  it("safeProxyOrigin and stripUserinfo never keep credentials", () => {
    expect(safeProxyOrigin("http://u:p@proxy:3128/")).toBe("http://proxy:3128");
    expect(stripUserinfo("x https://u:p@h/y")).toBe("x https://h/y");
  });
});
