// token.forks across every store of this client: the Hermes root, each profile and the Grok CLI's
// ~/.grok/auth.json. Through the built CLI, offline; fingerprints only, never token text.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import { parseJson, runCli } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

const SCOPE = "https://auth.x.ai::b1a00492-073a-47ea-816f-4c329264a828";
const tokens = (claims: Record<string, unknown> = {}, lifetimeSec?: number) => ({
  access_token: makeAccessToken(claims, lifetimeSec !== undefined ? { lifetimeSec } : {}),
  refresh_token: makeOpaqueToken("rt"),
});

/** A Grok CLI store as `grok login` writes it (entry keyed by issuer::client id). */
async function grokStore(entry: Record<string, unknown>, dir = path.join(sb.userHome, ".grok")) {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "auth.json"), JSON.stringify({ [SCOPE]: { auth_mode: "oidc", oidc_issuer: "https://auth.x.ai", oidc_client_id: "b1a00492-073a-47ea-816f-4c329264a828", email: "u@example.com", ...entry } }));
}

async function forks(args: string[] = [], env: Record<string, string> = {}) {
  const run = await runCli(["xai", "--offline", "--json", ...args], { env: { HOME: sb.userHome, ...env } });
  const report = parseJson(run);
  return { run, report, forks: report.checks.find((c: any) => c.id === "token.forks") };
}

describe("token.forks across stores", () => {
  it("the Grok CLI holding Hermes' refresh token: a fork, the loser named, fingerprints only", async () => {
    const t = tokens({}, 6 * 3600);
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(t) });
    // The Grok CLI's copy expires in 30 min: it refreshes before Hermes' 1 h window opens.
    await grokStore({ key: makeAccessToken({}, { lifetimeSec: 1800 }), refresh_token: t.refresh_token, expires_at: new Date(Date.now() + 1800_000).toISOString(), user_id: "5e0c6a3e-2b9f-4c1e-9d7a-000000000001" });
    const { run, forks: f } = await forks();
    expect(f).toMatchObject({ status: "warn", code: "grant_forked" });
    expect(f.summary).toContain("the Grok CLI (~/.grok/auth.json) refreshes first, so the root (~/.hermes/auth.json) — the store Hermes uses here — loses the grant");
    expect(f.fixes.map((x: any) => x.command)).toEqual(["hermes auth logout xai-oauth", "hermes auth add xai-oauth"]);
    expect(f.details.grant).toMatch(/^fp:[0-9a-f]{8}$/);
    expect(run.stdout).not.toContain(t.refresh_token);
    expect(run.stdout).not.toContain(t.access_token);
  });

  it("the Grok CLI signed in to the same account as a separate grant: Hermes' store is the one a grok login revokes", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    await grokStore({ key: makeOpaqueToken("at"), refresh_token: makeOpaqueToken("rt"), user_id: "5e0c6a3e-2b9f-4c1e-9d7a-000000000001" });
    const { forks: f } = await forks();
    expect(f).toMatchObject({ status: "warn", code: "account_multi_grant" });
    expect(f.summary).toContain("#82052");
    expect(f.summary).toContain("the root (~/.hermes/auth.json) is the store that loses it");
    // Another account in the Grok CLI is none of Hermes' business.
    await grokStore({ key: makeOpaqueToken("at"), refresh_token: makeOpaqueToken("rt"), user_id: "someone-else" });
    expect((await forks()).forks.status).toBe("pass");
  });

  it("GROK_HOME moves the Grok CLI's store", async () => {
    const t = tokens();
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(t) });
    const grokHome = path.join(sb.dir, "grok-elsewhere");
    await grokStore({ key: t.access_token, refresh_token: t.refresh_token }, grokHome);
    const { forks: f } = await forks([], { GROK_HOME: grokHome });
    expect(f.code).toBe("grant_forked");
    expect(f.details.storesCompared).toContain(path.join(grokHome, "auth.json"));
  });

  it("a missing, broken or odd Grok CLI store is never an error", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    expect((await forks()).forks.status).toBe("pass");
    const dir = path.join(sb.userHome, ".grok");
    await mkdir(dir, { recursive: true });
    for (const text of ["{not json", "[]", "null", JSON.stringify({ [SCOPE]: "a string" }), JSON.stringify({ "xai::api_key": { key: "xai-abc" } })]) {
      await writeFile(path.join(dir, "auth.json"), text);
      const { run, forks: f } = await forks();
      expect(f.status, text).toBe("pass");
      expect(run.code).toBe(0);
    }
    await mkdir(path.join(sb.dir, "g2", "auth.json"), { recursive: true }); // a directory where the file should be
    expect((await forks([], { GROK_HOME: path.join(sb.dir, "g2") })).forks.status).toBe("pass");
  });

  it("a profile and the root holding one grant: the one refreshing later loses; the fix removes the profile's copy", async () => {
    const rt = makeOpaqueToken("rt");
    // The root's access token expires in 90 min (Hermes refreshes it in 30), the profile's in 5 h.
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore({ access_token: makeAccessToken({}, { lifetimeSec: 5400 }), refresh_token: rt }) });
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: xaiAuthStore({ access_token: makeAccessToken({}, { lifetimeSec: 5 * 3600 }), refresh_token: rt }) });
    const { forks: f } = await forks(["--profile", "work"]);
    expect(f.code).toBe("grant_forked");
    expect(f.summary).toContain("the root (~/.hermes/auth.json) refreshes first, so profile 'work' (~/.hermes/profiles/work/auth.json) — the store Hermes uses here — loses the grant");
    expect(f.fixes[0].command).toBe("hermes -p work auth logout xai-oauth");
    // Seen from the root, the same pair: the profile loses, and its copy is the one to remove.
    const root = (await forks(["--profile", "default"])).forks;
    expect(root.summary).toContain("so profile 'work' (~/.hermes/profiles/work/auth.json) loses the grant");
    expect(root.fixes[0].command).toBe("hermes -p work auth logout xai-oauth");
  });

  it("another profile signed in separately to the same account is reported", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    await writeHermesHome(path.join(sb.hermes, "profiles", "work"), { auth: xaiAuthStore(tokens()) });
    const { forks: f } = await forks(["--profile", "work"]);
    expect(f).toMatchObject({ status: "warn", code: "account_multi_grant" });
    expect(f.summary).toContain("the root (~/.hermes/auth.json) holds a separate grant of the same xAI account");
    expect(f.fixes[0].command).toBe("hermes -p work auth add xai-oauth");
  });
});
