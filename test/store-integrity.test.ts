// "The store is never damaged": the doctor killed at many points of refresh-and-persist, racing
// other doctors and a Hermes-style Python refresher, and writing through a symlink. Every kill
// point is chosen by what the doctor is observably doing (a token request held in the emulator,
// a file event in the Hermes home), never by a clock. Small by default; HERMES_DOCTOR_LONG_TESTS=1
// runs the long version (docs/reliability.md).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { watch } from "node:fs";
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseJson } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { doctorAgainst, loginWith, startDoctorAgainst, tokenRequests, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { XAI_CLIENT_ID, type Emulator, type EmulatorAccount } from "../fixtures/emulator/server.js";

const LONG = process.env.HERMES_DOCTOR_LONG_TESTS === "1";
const KILL_ROUNDS = LONG ? 120 : 10;
const RACE_ROUNDS = LONG ? 30 : 2;
const hasPython = process.platform !== "win32" && spawnSync("python3", ["-c", "import fcntl"]).status === 0;

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});
afterEach(() => sb.cleanup()); // the last round's own sandbox

const isTemp = (name: string) => /^\.auth_.+\.tmp$/.test(name);
const byId = (report: any) => Object.fromEntries(report.checks.map((c: any) => [c.id, c]));

/** Every (access, refresh) pair in the store's xAI slots: the singleton and each pool row. */
function pairsIn(store: any): [string, string][] {
  const t = store.providers["xai-oauth"].tokens;
  const rows = store.credential_pool?.["xai-oauth"] ?? [];
  return [[t.access_token, t.refresh_token], ...rows.map((r: any) => [r.access_token, r.refresh_token] as [string, string])];
}

/** The store parses and every slot holds a pair the emulator really issued together (never torn). */
async function expectIntactStore(authPath: string, account: EmulatorAccount): Promise<any> {
  const store = JSON.parse(await readFile(authPath, "utf8"));
  const issued = new Map([[account.refreshToken, account.accessToken], ...emulator.issuedGrants.map((g) => [g.refreshToken, g.accessToken] as const)]);
  for (const [access, refresh] of pairsIn(store)) expect(issued.get(refresh), "a torn or unknown pair").toBe(access);
  return store;
}

/** Does any file in the Hermes home hold this token (auth.json or a temp file)? */
async function homeHolds(token: string): Promise<boolean> {
  for (const name of await readdir(sb.hermes)) {
    const file = path.join(sb.hermes, name);
    if ((await lstat(file)).isFile() && (await readFile(file, "utf8")).includes(token)) return true;
  }
  return false;
}

type KillPoint = "token_request" | "answer_released" | "temp_written" | "store_renamed" | "never";
const KILL_POINTS: KillPoint[] = ["token_request", "answer_released", "temp_written", "store_renamed", "never"];

/** Starts a refreshing doctor and SIGKILLs it at `point`; resolves once it is gone. */
async function runAndKill(point: KillPoint): Promise<void> {
  const hold = emulator.holdTokenAnswers();
  const { child, done } = startDoctorAgainst(emulator, sb);
  const killed = new Promise<void>((resolve) => {
    const stop = () => {
      child.kill("SIGKILL");
      resolve();
    };
    // The file events come from the kernel (inotify) as the doctor writes.
    const watcher = watch(sb.hermes, (event, name) => {
      if (point === "temp_written" && event === "change" && name && isTemp(String(name))) stop();
      if (point === "store_renamed" && event === "rename" && name === "auth.json") stop();
    });
    void done.then(() => watcher.close());
    void hold.arrived.then(() => {
      if (point === "token_request") stop(); // the token endpoint has the request; no answer yet
      hold.release();
      if (point === "answer_released") stop(); // the answer is on its way
    });
    void done.then(() => resolve());
  });
  await killed;
  await done;
}

describe("SIGKILL at any point of refresh-and-persist never damages the store or loses a saved rotation", () => {
  it(`${KILL_ROUNDS} rounds over ${KILL_POINTS.length} kill points`, async () => {
    const seen: Record<string, number> = {};
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const point = KILL_POINTS[round % KILL_POINTS.length]!;
      if (round > 0) {
        await sb.cleanup();
        sb = await sandbox();
      }
      emulator.issuedGrants.length = 0;
      const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
      await runAndKill(point);

      // Right after the kill: auth.json parses and holds a real pair, whatever the moment was.
      await expectIntactStore(authPath, account);
      const newest = emulator.issuedGrants.at(-1)?.refreshToken;
      const reachedWritePath = newest !== undefined && (await homeHolds(newest));
      const outcome = `${point}:${reachedWritePath ? "saved" : newest ? "lost_before_write" : "no_rotation"}`;
      seen[outcome] = (seen[outcome] ?? 0) + 1;

      // The recovery run: adopts a leftover temp file if there is one, and cleans up.
      const report = parseJson(await doctorAgainst(emulator, sb));
      const after = await expectIntactStore(authPath, account);
      expect((await readdir(sb.hermes)).filter(isTemp), `leftover temp files after ${outcome}`).toEqual([]);
      if (reachedWritePath) {
        // Once the doctor had the new token in hand and on disk, it is never lost.
        expect(report.verdict.code, outcome).toBe("healthy");
        const stored = after.providers["xai-oauth"].tokens.refresh_token;
        expect(emulator.isRefreshTokenLive(stored), outcome).toBe(true);
      } else {
        // Killed before the answer reached it: xAI may have rotated (the login is then spent,
        // which only xAI could undo), but the doctor never makes it worse or crashes.
        expect(["healthy", "session_revoked"], outcome).toContain(report.verdict.code);
      }
    }
    // The kill points really were reached (each round's outcome is recorded).
    expect(Object.keys(seen).some((k) => k.endsWith(":saved"))).toBe(true);
    expect(seen["token_request:lost_before_write"]).toBeGreaterThan(0);
  }, 60_000 + KILL_ROUNDS * 20_000);
});

/** A real rotation done behind the doctor's back, left as an interrupted save would leave it. */
async function leaveNewerTemp(account: EmulatorAccount, authPath: string): Promise<{ tmp: string; refreshToken: string }> {
  const res = await fetch(emulator.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", client_id: XAI_CLIENT_ID, refresh_token: account.refreshToken }),
  });
  const rotated = (await res.json()) as { access_token: string; refresh_token: string };
  const store = JSON.parse(await readFile(authPath, "utf8"));
  for (const slot of [store.providers["xai-oauth"].tokens, ...store.credential_pool["xai-oauth"]]) Object.assign(slot, { access_token: rotated.access_token, refresh_token: rotated.refresh_token });
  const tmp = path.join(sb.hermes, ".auth_3f9a1c2b7d4e.tmp");
  await writeFile(tmp, JSON.stringify(store, null, 2), { mode: 0o600 });
  return { tmp, refreshToken: rotated.refresh_token };
}

describe("recovery of an interrupted save", () => {
  it("a leftover temp file with a newer grant is adopted under the lock, stale ones removed", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const { tmp, refreshToken } = await leaveNewerTemp(account, authPath);
    const empty = path.join(sb.hermes, ".auth_0000aaaa1111.tmp");
    await writeFile(empty, "");
    emulator.clearRequests();
    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(byId(report)["store.recover"]).toMatchObject({ status: "pass" });
    expect(byId(report)["store.recover"].summary).toMatch(/adopted the newer login/);
    expect(report.verdict.code).toBe("healthy");
    expect(tokenRequests(emulator)).toHaveLength(0); // the adopted token was fresh: nothing spent
    const store = await expectIntactStore(authPath, account);
    expect(store.providers["xai-oauth"].tokens.refresh_token).toBe(refreshToken);
    expect(emulator.isRefreshTokenLive(refreshToken)).toBe(true);
    expect((await readdir(sb.hermes)).filter(isTemp)).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(refreshToken);
    void tmp;
  });

  it("under --read-only it is not adopted: a warning offers the exact recovery, nothing is touched", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    const { tmp } = await leaveNewerTemp(account, authPath);
    const report = parseJson(await doctorAgainst(emulator, sb, ["--read-only"]));
    const rec = byId(report)["store.recover"];
    expect(rec).toMatchObject({ status: "warn", code: "interrupted_save" });
    const [adopt, byHand] = rec.fixes.map((f: any) => f.command);
    expect(adopt).toMatch(/^hermes-doctor xai\b/); // a re-run of this very run (its --home and endpoints)
    expect(byHand).toMatch(new RegExp(`^mv '?${tmp.replace(/[.]/g, "\\.")}'? '?${authPath.replace(/[.]/g, "\\.")}'?$`));
    expect((await readdir(sb.hermes)).filter(isTemp)).toEqual([path.basename(tmp)]);
  });
});

// A Hermes-style refresher: fcntl.flock on auth.lock (as hermes_cli/auth.py _file_lock), re-read,
// refresh with the stored token against the emulator, atomic write (mkstemp + fsync + os.replace).
const PY_REFRESHER = `
import fcntl, json, os, sys, tempfile, urllib.parse, urllib.request, urllib.error
auth, lock, endpoint, client_id = sys.argv[1:5]
fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
with open(auth, encoding="utf-8-sig") as f:
    store = json.load(f)
t = store["providers"]["xai-oauth"]["tokens"]
old = t["refresh_token"]
body = urllib.parse.urlencode({"grant_type": "refresh_token", "client_id": client_id, "refresh_token": old}).encode()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    resp = json.load(opener.open(urllib.request.Request(endpoint, data=body), timeout=30))
except urllib.error.HTTPError as e:
    print("refresh_failed", e.code, flush=True)
    sys.exit(1)
for slot in [t] + [r for r in store.get("credential_pool", {}).get("xai-oauth", []) if r.get("refresh_token") == old]:
    slot["access_token"] = resp["access_token"]
    slot["refresh_token"] = resp["refresh_token"]
tfd, tmp = tempfile.mkstemp(dir=os.path.dirname(auth), prefix=".auth_", suffix=".tmp")
with os.fdopen(tfd, "w", encoding="utf-8") as f:
    json.dump(store, f, indent=2)
    f.flush()
    os.fsync(f.fileno())
os.replace(tmp, auth)
print("rotated", flush=True)
`;

function pythonRefresher(authPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn("python3", ["-c", PY_REFRESHER, authPath, path.join(path.dirname(authPath), "auth.lock"), emulator.tokenEndpoint, XAI_CLIENT_ID], {
      env: { PATH: process.env.PATH ?? "", HOME: sb.userHome },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", () => resolve(out.trim()));
  });
}

describe.runIf(hasPython)("races: several doctors and a Hermes-style Python refresher on one store", () => {
  it(`${RACE_ROUNDS} rounds: no invalid_grant from the race, no lost rotation`, async () => {
    for (let round = 0; round < RACE_ROUNDS; round++) {
      if (round > 0) {
        await sb.cleanup();
        sb = await sandbox();
      }
      emulator.clearRequests();
      emulator.issuedGrants.length = 0;
      const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
      // Two doctors that refresh because the token is expired (the second adopts), one that
      // forces a rotation (--refresh), and "Hermes" rotating too: all at once.
      const [d1, d2, d3, py] = await Promise.all([
        doctorAgainst(emulator, sb),
        doctorAgainst(emulator, sb),
        doctorAgainst(emulator, sb, ["--refresh"]),
        pythonRefresher(authPath),
      ]);
      expect(py).toBe("rotated");
      for (const d of [d1, d2, d3]) expect(parseJson(d).verdict.code).toBe("healthy");
      // Every refresh request was answered with a rotation: none used a spent token.
      expect(tokenRequests(emulator).length).toBe(emulator.issuedGrants.length);
      // The last rotation is what the store holds, live; every earlier one was used up in turn.
      const store = await expectIntactStore(authPath, account);
      const last = emulator.issuedGrants.at(-1)!;
      expect(store.providers["xai-oauth"].tokens.refresh_token).toBe(last.refreshToken);
      expect(emulator.isRefreshTokenLive(last.refreshToken)).toBe(true);
      expect(emulator.issuedGrants.slice(0, -1).every((g) => !emulator.isRefreshTokenLive(g.refreshToken))).toBe(true);
      expect((await readdir(sb.hermes)).filter(isTemp)).toEqual([]);
    }
  }, 60_000 + RACE_ROUNDS * 30_000);
});

describe.runIf(process.platform !== "win32")("a symlinked store", () => {
  it("stays a symlink, keeps its mode and every other byte of meaning", async () => {
    const { account, authPath } = await loginWith(emulator, sb, "healthy", { lifetimeSec: -600 });
    // auth.json -> ../vault/auth.json (relative link), 0640 at the target.
    const vault = path.join(sb.userHome, "vault");
    await mkdir(vault, { recursive: true });
    const real = path.join(vault, "auth.json");
    await rename(authPath, real);
    await chmod(real, 0o640);
    await symlink("../vault/auth.json", authPath);
    const before = JSON.parse(await readFile(real, "utf8"));

    const report = parseJson(await doctorAgainst(emulator, sb));
    expect(report.verdict.code).toBe("healthy");
    expect(byId(report)["login.refresh"].details.refreshed).toBe(true);

    expect((await lstat(authPath)).isSymbolicLink()).toBe(true);
    expect(await readlink(authPath)).toBe("../vault/auth.json");
    expect((await stat(real)).mode & 0o777).toBe(0o640);
    const after = JSON.parse(await readFile(real, "utf8"));
    const rotated = emulator.issuedGrants.at(-1)!;
    // Exactly the rotation changed: put the old values back and the stores are equal.
    expect(after.providers["xai-oauth"].tokens.refresh_token).toBe(rotated.refreshToken);
    expect(after.providers["xai-oauth"].tokens.access_token).toBe(rotated.accessToken);
    for (const slot of [after.providers["xai-oauth"].tokens, ...after.credential_pool["xai-oauth"]]) {
      expect(slot.refresh_token).toBe(rotated.refreshToken);
      slot.refresh_token = account.refreshToken;
      slot.access_token = account.accessToken;
    }
    const strip = (s: any) => {
      delete s.providers["xai-oauth"].last_refresh;
      for (const r of s.credential_pool["xai-oauth"]) delete r.last_refresh;
      for (const k of ["id_token", "expires_in", "token_type"]) delete s.providers["xai-oauth"].tokens[k];
      return s;
    };
    expect(strip(after)).toEqual(strip(before));
    // Nothing was left in either folder.
    expect((await readdir(vault)).sort()).toEqual(["auth.json"]);
    expect((await readdir(sb.hermes)).filter(isTemp)).toEqual([]);
  });
});
