// A loopback server that misbehaves in one chosen way, for the network fault matrix
// (test/e2e-faults.test.ts). It speaks raw TCP (or TLS) so it can break HTTP at any byte: reset
// before or after the headers, drip headers or body, lie about the length, never answer. In
// "forward" mode it is a well-behaved reverse proxy to another origin (a TLS front for the
// emulator, or a server only reachable directly because of NO_PROXY). Every request it reads
// is recorded, so a test can prove what reached it, and what did not reach somewhere else.
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { AddressInfo } from "node:net";

export const HTTP_FAULTS = [
  "reset_before_headers",
  "reset_after_headers",
  "slow_headers",
  "slow_body",
  "truncated_body",
  "html_200",
  "non_json_200",
  "status_503",
  "status_429",
  "hang",
  "redirect",
  "huge_body",
] as const;
export type HttpFault = (typeof HTTP_FAULTS)[number] | "forward";

export interface FaultRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export interface FaultServer {
  /** http://127.0.0.1:PORT, or https://localhost:PORT in TLS mode (the test certificates' name). */
  origin: string;
  port: number;
  requests: FaultRequest[];
  /** Bytes of response body written so far (huge_body: proves the client stopped reading). */
  bodyBytesWritten: () => number;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  fault: HttpFault;
  /** Serve TLS with this certificate (a bad one makes the fault a TLS fault). */
  tls?: { cert: string; key: string };
  /** redirect: where the Location header points. forward: the origin requests are passed to. */
  target?: string;
  /** The Retry-After header sent with status_429. */
  retryAfterSec?: number;
}

/** 100 MB announced; written in 64 KiB chunks only as fast as the client reads them. */
export const HUGE_BODY_BYTES = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
/** Drip interval for slow_headers / slow_body: one byte (or header line) per second. */
const DRIP_MS = 1_000;

const head = (status: string, headers: Record<string, string | number>) =>
  `HTTP/1.1 ${status}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;

function answer(status: string, contentType: string, body: string, extra: Record<string, string | number> = {}): string {
  return head(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body), Connection: "close", ...extra }) + body;
}

/** Parses one request head off the socket; calls back once with it (the body is ignored). */
function onRequest(socket: net.Socket, cb: (req: FaultRequest) => void): void {
  let buf = "";
  const onData = (d: Buffer) => {
    buf += d.toString("latin1");
    const end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    socket.off("data", onData);
    const [line = "", ...lines] = buf.slice(0, end).split("\r\n");
    const [method = "", path = ""] = line.split(" ");
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(":");
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    cb({ method, path, headers });
  };
  socket.on("data", onData);
}

export async function startFaultServer(opts: FaultServerOptions): Promise<FaultServer> {
  const requests: FaultRequest[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let written = 0;

  const drip = (socket: net.Socket, piece: () => string) => {
    const t = setInterval(() => {
      if (socket.destroyed) return clearInterval(t);
      socket.write(piece());
    }, DRIP_MS);
    timers.add(t);
  };

  const forwarder = opts.fault === "forward" ? http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])) });
    const target = new URL(req.url ?? "/", opts.target);
    const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  }) : undefined;

  const misbehave = (socket: net.Socket, req: FaultRequest) => {
    requests.push(req);
    switch (opts.fault) {
      case "reset_before_headers":
        socket.resetAndDestroy();
        return;
      case "reset_after_headers":
        socket.write(head("200 OK", { "Content-Type": "application/json", "Content-Length": 4096 }) + '{"data": [');
        // Once the client has the headers (its next read), tear the connection down with a RST.
        setImmediate(() => socket.resetAndDestroy());
        return;
      case "slow_headers":
        socket.write("HTTP/1.1 200 OK\r\n");
        drip(socket, () => "X-Slow: 1\r\n");
        return;
      case "slow_body":
        socket.write(head("200 OK", { "Content-Type": "application/json", "Content-Length": 100_000 }));
        drip(socket, () => " ");
        return;
      case "truncated_body":
        // Announces 4 KiB, sends 30 bytes of JSON, then closes cleanly (FIN).
        socket.end(head("200 OK", { "Content-Type": "application/json", "Content-Length": 4096, Connection: "close" }) + '{"object": "list", "data": [{');
        return;
      case "html_200":
        socket.end(answer("200 OK", "text/html; charset=utf-8", "<!doctype html><html><head><title>Sign in to the Wi-Fi</title></head><body>Captive portal</body></html>"));
        return;
      case "non_json_200":
        socket.end(answer("200 OK", "application/json", "this is not JSON {"));
        return;
      case "status_503":
        socket.end(answer("503 Service Unavailable", "application/json", '{"code":"Service Unavailable","error":"The service is temporarily unavailable"}'));
        return;
      case "status_429":
        socket.end(answer("429 Too Many Requests", "application/json", '{"code":"Too many requests","error":"Too many requests for team: try again later"}', { "Retry-After": opts.retryAfterSec ?? 120 }));
        return;
      case "hang":
        return; // read, never answered
      case "redirect":
        socket.end(answer("302 Found", "text/plain", "moved\n", { Location: `${opts.target}${req.path}` }));
        return;
      case "huge_body": {
        socket.write(head("200 OK", { "Content-Type": "application/json", "Content-Length": HUGE_BODY_BYTES }) + "[");
        const pump = () => {
          while (!socket.destroyed && written < HUGE_BODY_BYTES) {
            written += CHUNK.length;
            if (!socket.write(CHUNK)) return void socket.once("drain", pump);
          }
        };
        pump();
        return;
      }
      case "forward":
        return;
    }
  };

  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    if (forwarder) return void forwarder.emit("connection", socket);
    onRequest(socket, (req) => misbehave(socket, req));
  };
  const server = opts.tls
    ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, onSocket)
    : net.createServer(onSocket);
  // A client that rejects our certificate aborts the handshake; that is the point, not an error.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    origin: opts.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    requests,
    bodyBytesWritten: () => written,
    close: () => (closing ??= new Promise<void>((resolve) => {
      for (const t of timers) clearInterval(t);
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      forwarder?.closeAllConnections();
    })),
  };
}

/** A loopback port that refuses connections: bound once to learn a free number, then closed. */
export async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * An issuer whose discovery document sends the token endpoint to `tokenOrigin` (a fault server)
 * and everything else (userinfo, JWKS) to the emulator: the way to fault the token endpoint alone.
 */
export async function discoveryPointingAt(
  emu: { issuer: string; tokenEndpoint: string; userinfoEndpoint: string; jwksUri: string },
  tokenOrigin: string,
): Promise<FaultServer> {
  const requests: FaultRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: {} });
    if (req.url !== "/.well-known/openid-configuration") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
      issuer: emu.issuer,
      token_endpoint: `${tokenOrigin}${new URL(emu.tokenEndpoint).pathname}`,
      userinfo_endpoint: emu.userinfoEndpoint,
      jwks_uri: emu.jwksUri,
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    bodyBytesWritten: () => 0,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
