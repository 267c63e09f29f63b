// The HTTP client loads four of undici's modules instead of its index (src/net/undici.ts). They
// must be the very ones index.js exports: an undici upgrade that moves or replaces them fails here.
// (That a run works without the index at all is proven in a fresh process: test/module-loads.)
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { undici } from "../src/net/undici.js";

const require = createRequire(import.meta.url);

describe("the parts of undici the client loads", () => {
  it("carry undici's request API and are its own exports, loaded once", async () => {
    const parts = undici();
    const agent = new parts.Agent();
    expect(typeof agent.request).toBe("function");
    await agent.close();
    const index = require("undici") as typeof import("undici");
    expect(parts.Agent).toBe(index.Agent);
    expect(parts.buildConnector).toBe(index.buildConnector);
    expect(parts.EnvHttpProxyAgent()).toBe(index.EnvHttpProxyAgent);
    expect(undici()).toBe(parts);
  });
});
