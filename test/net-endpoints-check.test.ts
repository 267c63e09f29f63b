// Which API base the doctor probes when none is overridden: the one Hermes itself will use.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runChecks } from "../src/engine/runner.js";
import { SecretRegistry } from "../src/engine/secrets.js";
import { hermesInferenceBase } from "../src/xai/endpoints.js";
import type { DoctorServices } from "../checks/context.js";
import { localChecks } from "../checks/local.js";
import { netEndpoints } from "../checks/net-endpoints.js";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken } from "../fixtures/tokens.js";
import { sandbox, type Sandbox } from "./helpers/home.js";

describe("hermesInferenceBase", () => {
  it("takes the first value set, keeps it only when https on *.x.ai", () => {
    expect(hermesInferenceBase([{ source: "A", value: "" }, { source: "B", value: "https://us.api.x.ai/v1/" }])).toEqual({ url: "https://us.api.x.ai/v1", source: "B" });
    const bad = hermesInferenceBase([{ source: "A", value: "https://proxy.example.com/v1" }, { source: "B", value: "https://us.api.x.ai/v1" }]);
    expect(bad.url).toBe("https://api.x.ai/v1");
    expect(bad.rejected).toMatchObject({ source: "A", value: "https://proxy.example.com/v1" });
    expect(hermesInferenceBase([{ source: "A", value: undefined }])).toEqual({ url: "https://api.x.ai/v1", source: "default" });
  });
});

describe("net.endpoints follows Hermes' own base URL settings", () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await sandbox();
  });
  afterEach(async () => {
    await sb.cleanup();
  });

  async function run(env: Record<string, string>, dotenv?: string) {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore({ access_token: makeAccessToken(), refresh_token: "rt-0123456789abcdef" }), ...(dotenv ? { env: dotenv } : {}) });
    const services: DoctorServices = {
      options: { home: sb.hermes, offline: false, readOnly: true, refresh: false },
      env, platform: "linux", userHome: sb.userHome, now: () => Date.now(), secrets: new SecretRegistry(),
      http: async () => ({ request: async () => { throw new Error("net.endpoints sends nothing"); }, close: async () => {} }),
    };
    const { records } = await runChecks([...localChecks, netEndpoints], { services, timeoutMs: 5000 });
    return records.find((r) => r.id === "net.endpoints")!;
  }

  it("uses the pool row's base_url by default", async () => {
    const r = await run({});
    expect(r).toMatchObject({ status: "pass", details: { apiBase: "https://api.x.ai/v1" } });
  });

  it("HERMES_XAI_BASE_URL in .env beats XAI_BASE_URL in the environment", async () => {
    const r = await run({ XAI_BASE_URL: "https://eu-west-1.api.x.ai/v1" }, "HERMES_XAI_BASE_URL=https://us.api.x.ai/v1\n");
    expect(r.details).toMatchObject({ apiBase: "https://us.api.x.ai/v1", apiBaseSource: "HERMES_XAI_BASE_URL (.env)" });
    expect(r.summary).toContain("from HERMES_XAI_BASE_URL (.env)");
  });

  it("a base Hermes would refuse is reported, and the probe uses what Hermes falls back to", async () => {
    const r = await run({ XAI_BASE_URL: "http://proxy.example.com/v1" });
    expect(r).toMatchObject({ status: "warn", code: "inference_base_ignored", details: { apiBase: "https://api.x.ai/v1", ignored: "http://proxy.example.com/v1" } });
  });

  it("an explicit --api-base override wins over everything", async () => {
    const r = await run({ HERMES_DOCTOR_API_BASE: "http://127.0.0.1:9/v1", HERMES_XAI_BASE_URL: "https://us.api.x.ai/v1" });
    expect(r.details).toMatchObject({ apiBase: "http://127.0.0.1:9/v1", overridden: true });
  });
});
