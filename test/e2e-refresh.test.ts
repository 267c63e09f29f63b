// The refresh policy end to end: when the doctor refreshes, what it writes (under Hermes' lock,
// atomically, mode kept, nothing else touched), and when it must not write at all.
import { beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFile, stat, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { parseJson } from "./helpers/cli.js";
import type { Sandbox } from "./helpers/home.js";
import { doctorAgainst, loginWith, tokenRequests, useEmulatorAndSandbox } from "./helpers/emulated.js";
import type { Emulator } from "../fixtures/emulator/server.js";
import { xaiPoolRow } from "../fixtures/hermes-store.js";
import { waitForFlockWaiter } from "./helpers/wait.js";

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});

const byId = (report: any) => Object.fromEntries(report.checks.map((c: any) => [c.id, c]));
const readStore = async (p: string) => JSON.parse(await readFile(p, "utf8"));
const OTHER_PROVIDER = { "openai-codex": { tokens: { access_token: "codex-access-untouched", refresh_token: "codex-refresh-untouched" }, last_refresh: "2026-01-01T00:00:00Z" } };

describe("an expired token is refreshed exactly as Hermes would", () => {
  it("persists the rotated pair everywhere the old refresh token was, keeps mode 0600 and everything else", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600, store: { otherProviders: OTHER_PROVIDER } });
    const before = await readStore(authPath);
    // A second, independent pool row (manual:device_code) must not be touched.
    before.credential_pool["xai-oauth"].push(xaiPoolRow({ access_token: "other-grant-access", refresh_token: "other-grant-refresh" }, { id: "b2c3d4", source: "manual:device_code", priority: 1, label: "second" }));
    await writeFile(authPath, JSON.stringify(before, null, 2));
    await chmod(authPath, 0o600);

    const run = await doctorAgainst(emulator, sb);
    const report = parseJson(run);
    expect(report.verdict.code).toBe("healthy");
    expect(byId(report)["login.refresh"].details).toMatchObject({ refreshed: true, rotated: true });
    expect(tokenRequests(emulator)).toHaveLength(1);

    const after = await readStore(authPath);
    const state = after.providers["xai-oauth"];
    const newRefresh = state.tokens.refresh_token;
    expect(newRefresh).not.toBe(account.refreshToken);
    expect(state.tokens.access_token).not.toBe(account.accessToken);
    expect(state.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const [row, second] = after.credential_pool["xai-oauth"];
    expect(row.refresh_token).toBe(newRefresh);
    expect(row.access_token).toBe(state.tokens.access_token);
    expect(second).toEqual(before.credential_pool["xai-oauth"][1]);
    // Nothing else changed: other providers, top-level keys, discovery, auth_mode.
    expect(after.providers["openai-codex"]).toEqual(OTHER_PROVIDER["openai-codex"]);
    for (const key of ["version", "active_provider", "updated_at"]) expect(after[key]).toEqual(before[key]);
    expect(state.discovery).toEqual(before.providers["xai-oauth"].discovery);
    expect(state.auth_mode).toBe(before.providers["xai-oauth"].auth_mode);
    expect((await stat(authPath)).mode & 0o777).toBe(0o600);
    // Single-use rotation: the old token is dead, the saved one is live.
    expect(emulator.isRefreshTokenLive(account.refreshToken)).toBe(false);
    expect(emulator.isRefreshTokenLive(newRefresh)).toBe(true);
  });

  it("the saved refresh token works next time (--refresh uses it and rotates again)", async () => {
    const { authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    expect(parseJson(await doctorAgainst(emulator, sb)).verdict.code).toBe("healthy");
    const saved = (await readStore(authPath)).providers["xai-oauth"].tokens.refresh_token;
    emulator.clearRequests();
    const second = parseJson(await doctorAgainst(emulator, sb, ["--refresh"]));
    expect(second.verdict.code).toBe("healthy");
    expect(byId(second)["login.refresh"].details.refreshed).toBe(true);
    expect(new URLSearchParams(tokenRequests(emulator)[0]!.body).get("refresh_token")).toBe(saved);
    expect(emulator.isRefreshTokenLive(saved)).toBe(false);
  });

  it("a 0640 store keeps its mode after the write", async () => {
    const { authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    await chmod(authPath, 0o640);
    await doctorAgainst(emulator, sb);
    expect((await stat(authPath)).mode & 0o777).toBe(0o640);
  });

  it("a revoked refresh token is session_revoked and the store is left exactly as it was (never quarantined by us)", async () => {
    const { authPath } = await loginWith(emulator, sb, "revoked", { lifetimeSec: -600 });
    const bytes = await readFile(authPath);
    const run = await doctorAgainst(emulator, sb);
    expect(parseJson(run).verdict.code).toBe("session_revoked");
    expect(run.code).toBe(11);
    expect(await readFile(authPath)).toEqual(bytes);
  });
});

describe("no write at all when the user asked for read-only", () => {
  async function assertUntouched(args: string[], env: Record<string, string>) {
    const { authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const bytes = await readFile(authPath);
    const mtime = (await stat(authPath)).mtimeMs;
    const run = await doctorAgainst(emulator, sb, args, env);
    const report = parseJson(run);
    expect(tokenRequests(emulator)).toHaveLength(0);
    expect(await readFile(authPath)).toEqual(bytes);
    expect((await stat(authPath)).mtimeMs).toBe(mtime);
    expect(report.context.readOnly).toBe(true);
    return { run, report };
  }

  it("--read-only with an expired token: nothing sent to the token endpoint, nothing written, unverified", async () => {
    const { run, report } = await assertUntouched(["--read-only"], {});
    expect(byId(report)["login.refresh"]).toMatchObject({ status: "skip", code: "refresh_not_tested" });
    expect(byId(report)["login.refresh"].summary).toMatch(/Hermes will refresh it on its next request/);
    expect(report.verdict.code).toBe("unverified");
    expect(run.code).toBe(1);
  });

  it("CI set: read-only implied, and the report says why (single-use tokens in CI secrets)", async () => {
    const { report } = await assertUntouched([], { CI: "true" });
    expect(byId(report)["login.refresh"].details.why).toMatch(/CI/);
    expect(byId(report)["login.refresh"].details.note).toMatch(/single-use/);
  });

  it("--offline never refreshes either", async () => {
    await assertUntouched(["--offline"], {});
  });

  it("CI with an explicit --refresh does refresh and save", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const report = parseJson(await doctorAgainst(emulator, sb, ["--refresh"], { CI: "true" }));
    expect(report.verdict.code).toBe("healthy");
    expect(report.context.readOnly).toBe(false);
    expect((await readStore(authPath)).providers["xai-oauth"].tokens.refresh_token).not.toBe(account.refreshToken);
  });
});

describe("interoperation with a real Python process holding Hermes' flock", () => {
  // Plays a running Hermes: takes auth.lock with fcntl.flock, and while holding it rotates the
  // grant itself (writes a new pair), then releases. The doctor must wait, re-read and adopt.
  const HOLDER = `
import fcntl, sys
fd = open(sys.argv[1], "a+")
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()
fcntl.flock(fd, fcntl.LOCK_UN)
print("released", flush=True)
`;

  it("waits for the lock, re-reads the store and adopts the pair Hermes rotated instead of refreshing again", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const holder = spawn("python3", ["-c", HOLDER, path.join(sb.hermes, "auth.lock")], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once("data", (d) => (String(d).includes("locked") ? resolve() : reject(new Error(String(d)))));
        holder.once("error", reject);
      });
      const doctor = doctorAgainst(emulator, sb);
      // The kernel says when the doctor (its flock(1) helper) is blocked on Hermes' lock.
      await waitForFlockWaiter(path.join(sb.hermes, "auth.lock"));

      // "Hermes" refreshes while holding the lock and saves the rotated pair.
      const res = await fetch(emulator.tokenEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", client_id: "b1a00492-073a-47ea-816f-4c329264a828", refresh_token: account.refreshToken }),
      });
      const rotated = (await res.json()) as { access_token: string; refresh_token: string };
      const store = await readStore(authPath);
      store.providers["xai-oauth"].tokens.access_token = rotated.access_token;
      store.providers["xai-oauth"].tokens.refresh_token = rotated.refresh_token;
      for (const row of store.credential_pool["xai-oauth"]) Object.assign(row, { access_token: rotated.access_token, refresh_token: rotated.refresh_token });
      await writeFile(authPath, JSON.stringify(store, null, 2));
      holder.stdin.write("go\n");

      const report = parseJson(await doctor);
      expect(report.verdict.code).toBe("healthy");
      expect(byId(report)["login.refresh"].details).toMatchObject({ adopted: true, refreshed: false });
      expect(tokenRequests(emulator)).toHaveLength(1); // only "Hermes'" refresh: the doctor did not spend the new token
      expect(emulator.isRefreshTokenLive(rotated.refresh_token)).toBe(true);
      expect((await readStore(authPath)).providers["xai-oauth"].tokens.refresh_token).toBe(rotated.refresh_token);
    } finally {
      holder.kill();
    }
  });

  it("while the doctor holds the lock, a Hermes-style non-blocking flock is refused", async () => {
    const { authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    // The doctor sends the refresh only while it holds the lock: hold the answer, and probe then.
    const hold = emulator.holdTokenAnswers();
    const doctor = doctorAgainst(emulator, sb);
    await hold.arrived;
    const probe = `
import fcntl, sys
fd = open(sys.argv[1], "a+")
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("acquired")
except BlockingIOError:
    print("blocked")
`;
    const tryLock = () => new Promise<string>((resolve) => {
      const p = spawn("python3", ["-c", probe, path.join(path.dirname(authPath), "auth.lock")]);
      let s = "";
      p.stdout.on("data", (d) => (s += d));
      p.on("close", () => resolve(s.trim()));
    });
    expect(await tryLock()).toBe("blocked");
    hold.release();
    const report = parseJson(await doctor);
    expect(report.verdict.code).toBe("healthy");
    expect(await tryLock()).toBe("acquired"); // released when the doctor is done
  });
});
