// The part of undici the HTTP client uses, loaded on first use and once. undici's index.js loads
// everything it ships (fetch, WebSocket, caches, mocks): a process that only requires it takes
// ~2.4× the CPU of a bare `node -e ''` and +20 MiB; one that requires the four modules below,
// ~1.5× and +11 MiB. They are the very modules
// index.js re-exports (nodejs/undici index.js @ v7.30.2, the exact version package.json pins;
// test/net-undici.test.ts fails if an upgrade moves them), and the api mixin is applied to
// Dispatcher.prototype exactly as index.js does, so `dispatcher.request()` and ProxyAgent's own
// `client.connect()` work. Loading is synchronous (CommonJS), so createHttpClient stays synchronous.
import { createRequire } from "node:module";
import type { Agent, buildConnector, EnvHttpProxyAgent } from "undici";

export interface UndiciParts {
  Agent: typeof Agent;
  buildConnector: typeof buildConnector;
  /** Only a run with a proxy variable needs the proxy agents. */
  EnvHttpProxyAgent(): typeof EnvHttpProxyAgent;
}

const require = createRequire(import.meta.url);
let parts: UndiciParts | undefined;

export function undici(): UndiciParts {
  if (parts) return parts;
  const Dispatcher = require("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
  Object.assign(Dispatcher.prototype, require("undici/lib/api/index.js") as object);
  // llhttp's WebAssembly is decoded from base64 when first required (10–30 ms): read it now, so the
  // first connection only compiles it (client-h1.js lazyllhttp(); after main.ts's --liftoff-only).
  require("undici/lib/llhttp/llhttp_simd-wasm.js");
  parts = {
    Agent: require("undici/lib/dispatcher/agent.js") as typeof Agent,
    buildConnector: require("undici/lib/core/connect.js") as typeof buildConnector,
    EnvHttpProxyAgent: () => require("undici/lib/dispatcher/env-http-proxy-agent.js") as typeof EnvHttpProxyAgent,
  };
  return parts;
}
