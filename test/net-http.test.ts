// Transport classification against real loopback servers (no emulator, no external network).
// TLS material is generated per run with the openssl CLI into a temp dir.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { createHttpClient, HttpClientConfigError, type HttpClient, type HttpClientOptions, type HttpOutcome, type HttpResponse, type HttpFailure } from "../src/net/http.js";

// ---------- certificates ----------

let dir = "";
const pem = (name: string): string => readFileSync(path.join(dir, name), "utf8");
const file = (name: string): string => path.join(dir, name);

function ossl(args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function makeCerts(): void {
  dir = mkdtempSync(path.join(os.tmpdir(), "doctor-net-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const caExt = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
  ossl(["req", "-x509", ...ec, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Doctor Test CA", ...caExt]);
  ossl(["req", "-x509", ...ec, "-keyout", "corp-ca-key.pem", "-out", "corp-ca.pem", "-days", "30", "-subj", "/CN=Corp Inspection CA", ...caExt]);
  ossl(["req", "-x509", ...ec, "-keyout", "self-signed-key.pem", "-out", "self-signed.pem", "-days", "30", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
  ossl(["req", ...ec, "-keyout", "leaf-key.pem", "-out", "leaf.csr", "-subj", "/CN=localhost"]);
  writeFileSync(file("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  writeFileSync(file("wrong.ext"), "subjectAltName=DNS:wrong.example\n");
  mkdirSync(file("newcerts"));
  writeFileSync(file("index.txt"), "");
  writeFileSync(file("serial"), "1000\n");
  writeFileSync(
    file("ca.cnf"),
    "[ca]\ndefault_ca=d\n[d]\ndir=.\ndatabase=./index.txt\nnew_certs_dir=./newcerts\nserial=./serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n",
  );
  // `openssl ca` is the only 3.0 command that can back-date a certificate (for "expired").
  const sign = (ca: string, out: string, ext: string, start: string, end: string): void =>
    ossl(["ca", "-batch", "-config", "ca.cnf", "-cert", `${ca}.pem`, "-keyfile", `${ca}-key.pem`, "-in", "leaf.csr", "-out", out, "-extfile", ext, "-startdate", start, "-enddate", end, "-notext"]);
  const now = Date.now();
  const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  const from = stamp(now - 86_400_000);
  const to = stamp(now + 30 * 86_400_000);
  sign("ca", "localhost.pem", "san.ext", from, to);
  sign("ca", "expired.pem", "san.ext", "20200101000000Z", "20200201000000Z");
  sign("ca", "wrong-name.pem", "wrong.ext", from, to);
  sign("corp-ca", "corp-leaf.pem", "san.ext", from, to);
}

// ---------- servers ----------

interface Running {
  port: number;
  close(): Promise<void>;
}

const running: Running[] = [];
const clients: HttpClient[] = [];

async function serve(server: net.Server): Promise<Running> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const r: Running = {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  running.push(r);
  return r;
}

// The app handler for every "real" endpoint.
function app(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    if (req.url === "/echo") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, contentType: req.headers["content-type"], body }));
      return;
    }
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("x".repeat(5000));
      return;
    }
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ hello: "world", url: req.url }));
  });
}

function httpsServer(cert: string, key: string, chain: string[] = []): https.Server {
  return https.createServer({ cert: [pem(cert), ...chain.map(pem)].join("\n"), key: pem(key) }, app);
}

/** A CONNECT proxy: tunnels, or answers every CONNECT with `refuse`. Records what it saw. */
async function connectProxy(opts: { refuse?: number; intercept?: { cert: string; key: string } } = {}): Promise<Running & { seen: string[] }> {
  const seen: string[] = [];
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  const tunnels = new Set<net.Socket>();
  const inner = http.createServer(app); // serves the intercepted (TLS-terminated) requests
  proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`${req.url} auth=${req.headers["proxy-authorization"] ? "yes" : "no"}`);
    tunnels.add(client);
    client.on("error", () => undefined);
    client.on("close", () => tunnels.delete(client));
    if (opts.refuse) {
      client.end(`HTTP/1.1 ${opts.refuse} Forbidden\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (opts.intercept) {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      const tlsSock = new tls.TLSSocket(client, { isServer: true, cert: pem(opts.intercept.cert), key: pem(opts.intercept.key) });
      tlsSock.on("error", () => undefined);
      inner.emit("connection", tlsSock);
      return;
    }
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host ?? "", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on("close", () => tunnels.delete(upstream));
    upstream.on("error", () => client.destroy());
  });
  const r = await serve(proxy);
  const close = r.close;
  r.close = async () => {
    for (const s of tunnels) s.destroy();
    inner.closeAllConnections();
    await close();
  };
  return Object.assign(r, { seen });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function client(opts: Partial<HttpClientOptions> = {}): HttpClient {
  const c = createHttpClient({ env: {}, connectTimeoutMs: 2_000, headersTimeoutMs: 3_000, bodyTimeoutMs: 3_000, ...opts });
  clients.push(c);
  return c;
}

function ok(o: HttpOutcome): HttpResponse {
  if (!o.ok) throw new Error(`expected success, got ${o.failure.kind}: ${o.failure.message}`);
  return o;
}
function failed(o: HttpOutcome): HttpFailure {
  if (o.ok) throw new Error(`expected failure, got HTTP ${o.status}`);
  return o;
}

beforeAll(() => makeCerts());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(running.splice(0).map((r) => r.close()));
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------- tests ----------

describe("http client: success paths", () => {
  it("parses a JSON 200, the Date header and reports timings", async () => {
    const srv = await serve(http.createServer(app));
    const before = Date.now();
    const r = ok(await client().request({ method: "GET", url: `http://127.0.0.1:${srv.port}/x` }));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ hello: "world", url: "/x" });
    expect(r.headers["content-type"]).toMatch(/json/);
    expect(r.date).toBeInstanceOf(Date);
    expect(Math.abs(r.date!.getTime() - before)).toBeLessThan(5_000);
    expect(r.viaProxy).toBeUndefined();
    // IP literal: no DNS phase; plain http: no TLS phase.
    expect(r.timings.dnsMs).toBeUndefined();
    expect(r.timings.tlsMs).toBeUndefined();
    expect(r.timings.tcpMs).toBeGreaterThanOrEqual(0);
    expect(r.timings.ttfbMs).toBeGreaterThan(0);
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.ttfbMs!);
  });

  it("sends form and json bodies with the right content type", async () => {
    const srv = await serve(http.createServer(app));
    const c = client();
    const f = ok(await c.request({ method: "POST", url: `http://127.0.0.1:${srv.port}/echo`, form: { grant_type: "refresh_token", a: "b c" } }));
    expect(f.json).toEqual({ method: "POST", contentType: "application/x-www-form-urlencoded", body: "grant_type=refresh_token&a=b+c" });
    const j = ok(await c.request({ method: "POST", url: `http://127.0.0.1:${srv.port}/echo`, json: { x: 1 } }));
    expect(j.json).toEqual({ method: "POST", contentType: "application/json", body: '{"x":1}' });
  });

  it("caps the body at maxBodyBytes", async () => {
    const srv = await serve(http.createServer(app));
    const r = ok(await client().request({ method: "GET", url: `http://127.0.0.1:${srv.port}/big`, maxBodyBytes: 100 }));
    expect(r.text).toHaveLength(100);
    expect(r.truncated).toBe(true);
  });

  it("measures DNS, TCP, TLS and TTFB on a new HTTPS connection, none on a reused one", async () => {
    const srv = await serve(httpsServer("localhost.pem", "leaf-key.pem"));
    const c = client({ caFile: file("ca.pem") });
    const first = ok(await c.request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(first.timings.dnsMs).toBeGreaterThanOrEqual(0);
    expect(first.timings.tcpMs).toBeGreaterThanOrEqual(0);
    expect(first.timings.tlsMs).toBeGreaterThan(0);
    expect(first.timings.ttfbMs).toBeGreaterThan(0);
    const second = ok(await c.request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(second.timings.dnsMs).toBeUndefined();
    expect(second.timings.tcpMs).toBeUndefined();
    expect(second.timings.tlsMs).toBeUndefined();
    expect(second.timings.ttfbMs).toBeGreaterThan(0);
  });
});

describe("http client: transport failures", () => {
  it("refused port -> refused", async () => {
    const port = await freePort();
    const f = failed(await client().request({ method: "GET", url: `http://127.0.0.1:${port}/` }));
    expect(f.failure).toMatchObject({ kind: "refused", code: "ECONNREFUSED", host: "127.0.0.1" });
    expect(f.timings.totalMs).toBeGreaterThanOrEqual(0);
  });

  it("unknown .invalid host -> dns", async (ctx) => {
    // .invalid is reserved (RFC 6761); resolvers answer NXDOMAIN at once. Skip honestly if not.
    const t0 = Date.now();
    const o = await client().request({ method: "GET", url: "https://does-not-exist.invalid/", timeoutMs: 5_000 });
    const f = failed(o);
    if (f.failure.kind === "timeout" || Date.now() - t0 > 4_000) ctx.skip();
    expect(f.failure.kind).toBe("dns");
    expect(["ENOTFOUND", "EAI_AGAIN"]).toContain(f.failure.code);
    expect(f.failure.host).toBe("does-not-exist.invalid");
  });

  it("server that never answers -> headers_timeout, fast", async () => {
    const srv = await serve(net.createServer(() => undefined));
    const t0 = Date.now();
    const f = failed(await client({ headersTimeoutMs: 300 }).request({ method: "GET", url: `http://127.0.0.1:${srv.port}/` }));
    expect(f.failure.kind).toBe("headers_timeout");
    expect(f.failure.code).toBe("UND_ERR_HEADERS_TIMEOUT");
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("headers then a stalled body -> body_timeout", async () => {
    const srv = await serve(
      http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "100" });
        res.write("partial");
      }),
    );
    const t0 = Date.now();
    const f = failed(await client({ bodyTimeoutMs: 300 }).request({ method: "GET", url: `http://127.0.0.1:${srv.port}/` }));
    expect(f.failure.kind).toBe("body_timeout");
    expect(f.timings.ttfbMs).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("socket closed by the server -> reset", async () => {
    const srv = await serve(net.createServer((s) => s.once("data", () => s.destroy())));
    const f = failed(await client().request({ method: "GET", url: `http://127.0.0.1:${srv.port}/` }));
    expect(f.failure.kind).toBe("reset");
    expect(f.failure.code).toBe("UND_ERR_SOCKET");
  });

  it("TCP RST -> reset (ECONNRESET)", async () => {
    const srv = await serve(net.createServer((s) => s.once("data", () => s.resetAndDestroy())));
    const f = failed(await client().request({ method: "GET", url: `http://127.0.0.1:${srv.port}/` }));
    expect(f.failure.kind).toBe("reset");
  });

  it("TLS handshake that never completes -> connect_timeout", async () => {
    // undici's connect timeout runs until secureConnect, so a silent TCP server trips it.
    const srv = await serve(net.createServer(() => undefined));
    const t0 = Date.now();
    const f = failed(await client({ connectTimeoutMs: 300 }).request({ method: "GET", url: `https://127.0.0.1:${srv.port}/` }));
    expect(f.failure).toMatchObject({ kind: "connect_timeout", code: "UND_ERR_CONNECT_TIMEOUT" });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("per-request timeoutMs -> timeout; caller abort -> aborted", async () => {
    const srv = await serve(net.createServer(() => undefined));
    const c = client();
    const t = failed(await c.request({ method: "GET", url: `http://127.0.0.1:${srv.port}/`, timeoutMs: 200 }));
    expect(t.failure.kind).toBe("timeout");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const a = failed(await c.request({ method: "GET", url: `http://127.0.0.1:${srv.port}/`, signal: ac.signal }));
    expect(a.failure.kind).toBe("aborted");
    const pre = failed(await c.request({ method: "GET", url: `http://127.0.0.1:${srv.port}/`, signal: AbortSignal.abort() }));
    expect(pre.failure.kind).toBe("aborted");
  });

  it("a bad URL is a failure, not a throw", async () => {
    const f = failed(await client().request({ method: "GET", url: "not a url" }));
    expect(f.failure.code).toBe("ERR_INVALID_URL");
  });
});

describe("http client: TLS", () => {
  it("self-signed -> tls_untrusted with a trust hint", async () => {
    const srv = await serve(httpsServer("self-signed.pem", "self-signed-key.pem"));
    const f = failed(await client().request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(f.failure.kind).toBe("tls_untrusted");
    expect(f.failure.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(f.failure.message).toContain("--ca-file");
    // DNS and TCP succeeded before the handshake failed.
    expect(f.timings.tcpMs).toBeGreaterThanOrEqual(0);
  });

  it("CA-signed server trusted through --ca-file -> 200; untrusted without it", async () => {
    const srv = await serve(httpsServer("localhost.pem", "leaf-key.pem"));
    const url = `https://127.0.0.1:${srv.port}/`;
    expect(ok(await client({ caFile: file("ca.pem") }).request({ method: "GET", url })).status).toBe(200);
    expect(failed(await client().request({ method: "GET", url })).failure.kind).toBe("tls_untrusted");
  });

  it("keeps NODE_EXTRA_CA_CERTS when --ca-file replaces the trust list", async () => {
    const srv = await serve(httpsServer("localhost.pem", "leaf-key.pem"));
    const c = client({ caFile: file("corp-ca.pem"), env: { NODE_EXTRA_CA_CERTS: file("ca.pem") } });
    expect(ok(await c.request({ method: "GET", url: `https://localhost:${srv.port}/` })).status).toBe(200);
  });

  it("expired certificate -> tls_expired", async () => {
    const srv = await serve(httpsServer("expired.pem", "leaf-key.pem"));
    const f = failed(await client({ caFile: file("ca.pem") }).request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(f.failure).toMatchObject({ kind: "tls_expired", code: "CERT_HAS_EXPIRED" });
  });

  it("wrong name -> tls_hostname", async () => {
    const srv = await serve(httpsServer("wrong-name.pem", "leaf-key.pem"));
    const f = failed(await client({ caFile: file("ca.pem") }).request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(f.failure).toMatchObject({ kind: "tls_hostname", code: "ERR_TLS_CERT_ALTNAME_INVALID", host: "localhost" });
  });

  it("unusable --ca-file -> HttpClientConfigError(ca_file), never a stack trace", () => {
    writeFileSync(file("garbage.pem"), "not a certificate\n");
    for (const f of [file("missing.pem"), file("garbage.pem"), dir]) {
      let err: unknown;
      try {
        createHttpClient({ env: {}, caFile: f });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HttpClientConfigError);
      expect((err as HttpClientConfigError).kind).toBe("ca_file");
      expect((err as Error).message).toContain(f);
      expect((err as Error).message).not.toMatch(/\n\s+at /);
    }
  });
});

describe("http client: proxies", () => {
  it("HTTPS_PROXY tunnels via CONNECT -> 200 with viaProxy (no credentials)", async () => {
    const srv = await serve(httpsServer("localhost.pem", "leaf-key.pem"));
    const proxy = await connectProxy();
    const c = client({ caFile: file("ca.pem"), env: { HTTPS_PROXY: `http://user:s3cret@127.0.0.1:${proxy.port}` } });
    const r = ok(await c.request({ method: "GET", url: `https://localhost:${srv.port}/p` }));
    expect(r.json).toEqual({ hello: "world", url: "/p" });
    expect(r.viaProxy).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.seen).toEqual([`localhost:${srv.port} auth=yes`]);
    expect(r.timings.ttfbMs).toBeGreaterThan(0);
  });

  it("lower-case https_proxy wins over HTTPS_PROXY; scheme-less value gets http://", async () => {
    const srv = await serve(httpsServer("localhost.pem", "leaf-key.pem"));
    const proxy = await connectProxy();
    const dead = await freePort();
    const c = client({ caFile: file("ca.pem"), env: { https_proxy: `127.0.0.1:${proxy.port}`, HTTPS_PROXY: `http://127.0.0.1:${dead}` } });
    const r = ok(await c.request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(r.viaProxy).toBe(`http://127.0.0.1:${proxy.port}`);
  });

  it("proxy answering 403 to CONNECT -> proxy_refused naming the proxy", async () => {
    const proxy = await connectProxy({ refuse: 403 });
    const c = client({ env: { HTTPS_PROXY: `http://user:s3cret@127.0.0.1:${proxy.port}` } });
    const f = failed(await c.request({ method: "GET", url: "https://api.x.ai/v1/models" }));
    expect(f.failure).toMatchObject({ kind: "proxy_refused", proxyStatus: 403, host: "api.x.ai", viaProxy: `http://127.0.0.1:${proxy.port}` });
    expect(f.failure.code).toBe("UND_ERR_ABORTED");
    expect(f.failure.message).toContain(`http://127.0.0.1:${proxy.port}`);
    expect(f.failure.message).not.toContain("s3cret");
  });

  it("proxy answering 407 -> proxy_refused that says authentication", async () => {
    const proxy = await connectProxy({ refuse: 407 });
    const f = failed(await client({ env: { https_proxy: `http://127.0.0.1:${proxy.port}` } }).request({ method: "GET", url: "https://api.x.ai/" }));
    expect(f.failure).toMatchObject({ kind: "proxy_refused", proxyStatus: 407 });
    expect(f.failure.message).toMatch(/authentication/);
  });

  it("proxy not listening -> proxy_unreachable", async () => {
    const dead = await freePort();
    const f = failed(await client({ env: { HTTPS_PROXY: `http://127.0.0.1:${dead}` } }).request({ method: "GET", url: "https://api.x.ai/" }));
    expect(f.failure).toMatchObject({ kind: "proxy_unreachable", code: "ECONNREFUSED" });
    expect(f.failure.message).toContain(`127.0.0.1:${dead}`);
  });

  it("NO_PROXY=localhost bypasses the proxy", async () => {
    const srv = await serve(httpsServer("localhost.pem", "leaf-key.pem"));
    const proxy = await connectProxy();
    const c = client({ caFile: file("ca.pem"), env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: "example.com, localhost" } });
    const r = ok(await c.request({ method: "GET", url: `https://localhost:${srv.port}/` }));
    expect(r.viaProxy).toBeUndefined();
    expect(proxy.seen).toEqual([]);
  });

  it("ignores process.env: only the snapshot counts", async () => {
    const srv = await serve(http.createServer(app));
    const dead = await freePort();
    vi.stubEnv("HTTP_PROXY", `http://127.0.0.1:${dead}`);
    vi.stubEnv("http_proxy", `http://127.0.0.1:${dead}`);
    vi.stubEnv("HTTPS_PROXY", `http://127.0.0.1:${dead}`);
    const r = ok(await client({ env: {} }).request({ method: "GET", url: `http://127.0.0.1:${srv.port}/` }));
    expect(r.status).toBe(200);
    // With a proxy in the snapshot, a NO_PROXY only in process.env must not bypass it.
    vi.stubEnv("NO_PROXY", "127.0.0.1");
    vi.stubEnv("no_proxy", "127.0.0.1");
    const f = failed(await client({ env: { HTTP_PROXY: `http://127.0.0.1:${dead}` } }).request({ method: "GET", url: `http://127.0.0.1:${srv.port}/` }));
    expect(f.failure.kind).toBe("proxy_unreachable");
  });

  it("TLS-intercepting proxy -> tls_untrusted naming the proxy and the fix; trusted with its CA", async () => {
    const proxy = await connectProxy({ intercept: { cert: "corp-leaf.pem", key: "leaf-key.pem" } });
    const env = { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` };
    const f = failed(await client({ env }).request({ method: "GET", url: "https://localhost:9/" }));
    expect(f.failure.kind).toBe("tls_untrusted");
    expect(f.failure.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(f.failure.viaProxy).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(f.failure.message).toContain(`proxy http://127.0.0.1:${proxy.port}`);
    expect(f.failure.message).toContain("--ca-file");
    expect(f.failure.message).toContain("NODE_EXTRA_CA_CERTS");
    const r = ok(await client({ env, caFile: file("corp-ca.pem") }).request({ method: "GET", url: "https://localhost:9/i" }));
    expect(r.json).toEqual({ hello: "world", url: "/i" });
  });

  it("malformed proxy variable -> HttpClientConfigError(proxy_url) without credentials", () => {
    expect(() => createHttpClient({ env: { HTTPS_PROXY: "ftp://user:pw@proxy:21" } })).toThrow(HttpClientConfigError);
    try {
      createHttpClient({ env: { HTTPS_PROXY: "ftp://user:pw@proxy:21" } });
    } catch (e) {
      expect((e as HttpClientConfigError).kind).toBe("proxy_url");
      expect((e as Error).message).not.toContain("pw");
    }
  });
});
