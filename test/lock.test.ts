// Interoperation with a REAL, separate Python process using fcntl.flock, as Hermes does, for both
// lock helpers: util-linux flock(1) (the default) and the Python fallback (HERMES_DOCTOR_PYTHON).
// No test waits on the clock: each synchronises on a line the other process prints.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AuthLockTimeoutError, AuthLockUnavailableError, authLockPath, withAuthLock } from "../src/hermes/lock.js";
import { ROOT } from "./helpers/cli.js";

const hasPython = process.platform !== "win32" && spawnSync("python3", ["-c", "import fcntl"]).status === 0;
const hasFlock = process.platform !== "win32" && spawnSync("flock", ["--version"]).status === 0;
const HOLDERS = [
  ...(hasFlock ? [{ holder: "flock", env: { PATH: process.env.PATH } }] : []),
  { holder: "python", env: { PATH: process.env.PATH, HERMES_DOCTOR_PYTHON: "python3" } },
] as const;

let dir = "";
let authJson = "";
let lockFile = "";
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "doctor-lock-"));
  authJson = path.join(dir, "auth.json");
  lockFile = path.join(dir, "auth.lock");
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A Python process holding LOCK_EX on `file` until its stdin closes. */
async function pythonHolder(file: string): Promise<{ release(): Promise<void> }> {
  const code = [
    "import fcntl, os, sys",
    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)",
    "fcntl.flock(fd, fcntl.LOCK_EX)",
    "print('held', flush=True)",
    "sys.stdin.read()",
  ].join("\n");
  const child = spawn("python3", ["-c", code, file], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
    child.on("exit", (c) => reject(new Error(`holder exited ${c}`)));
  });
  return {
    release: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin!.end();
      }),
  };
}

/** What a Python process trying LOCK_EX|LOCK_NB right now gets: "acquired" or "blocked". */
function pythonTryLock(file: string): Promise<string> {
  const code = [
    "import fcntl, os, sys",
    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)",
    "try:",
    "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)",
    "    print('acquired')",
    "except BlockingIOError:",
    "    print('blocked')",
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", code, file], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out.trim()));
  });
}

describe("authLockPath", () => {
  it("replaces the suffix like pathlib.with_suffix('.lock')", () => {
    expect(authLockPath("/h/.hermes/auth.json")).toBe(path.join("/h/.hermes", "auth.lock"));
    expect(authLockPath("/h/profiles/work/auth.json")).toBe(path.join("/h/profiles/work", "auth.lock"));
    expect(authLockPath("/x/store")).toBe(path.join("/x", "store.lock"));
    expect(authLockPath("/x/a.b.json")).toBe(path.join("/x", "a.b.lock"));
  });
});

describe.runIf(hasPython).each(HOLDERS)("withAuthLock ($holder) against a real Python flock holder", ({ holder, env }) => {
  it("takes the lock with the expected helper", async () => {
    expect(await withAuthLock(authJson, { timeoutMs: 2_000, env }, async (lock) => lock.holder)).toBe(holder);
  });

  it("times out (bounded) while Python holds the lock, then succeeds once it releases", async () => {
    const holder = await pythonHolder(lockFile);
    let ran = false;
    const t0 = Date.now();
    const err = await withAuthLock(authJson, { timeoutMs: 300, env }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    const waited = Date.now() - t0;
    expect(err).toBeInstanceOf(AuthLockTimeoutError);
    expect((err as Error).message).toContain(lockFile);
    expect((err as Error).message).toMatch(/Hermes/);
    expect((err as Error).message).toMatch(/[Rr]etry/);
    expect(ran).toBe(false);
    // Hermes floors the timeout at 1 s (max(1.0, timeout)); we mirror it.
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(5_000);

    await holder.release();
    const result = await withAuthLock(authJson, { timeoutMs: 2_000, env }, async () => "done");
    expect(result).toBe("done");
  });

  it("waits for a holder that releases within the timeout", async () => {
    const holder = await pythonHolder(lockFile);
    let released = false;
    const waiting = withAuthLock(authJson, { timeoutMs: 10_000, env }, async () => released);
    // Python holds the lock until release() closes its stdin: fn must not have run before this.
    released = true;
    await holder.release();
    expect(await waiting).toBe(true);
  });

  it("while we hold it, Python's LOCK_EX|LOCK_NB gets BlockingIOError (Hermes would wait)", async () => {
    const inside = await withAuthLock(authJson, { timeoutMs: 2_000, env }, () => pythonTryLock(lockFile));
    expect(inside).toBe("blocked");
    // Released on return: Python gets it straight away.
    expect(await pythonTryLock(lockFile)).toBe("acquired");
  });

  it("a Hermes-style poller (LOCK_NB every 50 ms) waits for us, then gets the lock", async () => {
    // The loop of hermes_cli/auth.py _file_lock, reduced.
    const code = [
      "import fcntl, os, sys, time",
      "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)",
      "deadline = time.monotonic() + 10",
      "tries = 0",
      "while True:",
      "    try:",
      "        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)",
      "        break",
      "    except BlockingIOError:",
      "        tries += 1",
      "        if tries == 1: print('waiting', flush=True)",
      "        if time.monotonic() >= deadline: raise TimeoutError('Timed out waiting for auth store lock')",
      "        time.sleep(0.05)",
      "print('acquired after', tries, flush=True)",
    ].join("\n");
    let hermes: Promise<string> | undefined;
    await withAuthLock(authJson, { timeoutMs: 2_000, env }, async () => {
      const child = spawn("python3", ["-c", code, lockFile], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
      let out = "";
      hermes = new Promise((resolve) => child.on("close", () => resolve(out.trim())));
      // Hold the lock until the poller says it found it taken.
      await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => (out += d.toString()).includes("waiting") && resolve()));
    });
    const lines = (await hermes!).split("\n");
    expect(lines[0]).toBe("waiting");
    expect(lines[1]).toMatch(/^acquired after [1-9]\d*$/);
  });

  it("releases the lock when fn throws", async () => {
    const boom = new Error("fn failed");
    await expect(withAuthLock(authJson, { timeoutMs: 2_000, env }, async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await pythonTryLock(lockFile)).toBe("acquired");
  });

  it("creates the lock file at 0600, and its folder if missing", async () => {
    const nested = path.join(dir, "profiles", "work", "auth.json");
    await withAuthLock(nested, { timeoutMs: 2_000, env }, async () => undefined);
    const lock = path.join(dir, "profiles", "work", "auth.lock");
    expect(existsSync(lock)).toBe(true);
    expect(statSync(lock).mode & 0o777).toBe(0o600);
  });

  it("an unopenable lock file -> AuthLockUnavailableError(lock_failed), fn not run", async () => {
    const notADir = path.join(dir, "file");
    writeFileSync(notADir, "x");
    let ran = false;
    const err = await withAuthLock(path.join(notADir, "auth.json"), { timeoutMs: 1_000, env }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthLockUnavailableError);
    expect((err as AuthLockUnavailableError).reason).toBe("lock_failed");
    expect((err as Error).message).toContain("NOT written");
    expect(ran).toBe(false);
  });

  it("abort while waiting rejects promptly and never runs fn", async () => {
    const holder = await pythonHolder(lockFile);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    let ran = false;
    const t0 = Date.now();
    const err = await withAuthLock(authJson, { timeoutMs: 10_000, env, signal: ac.signal }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(ran).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await holder.release();
    // Our killed helper did not leave the lock behind.
    expect(await pythonTryLock(lockFile)).toBe("acquired");
  });
});

/** A Python process that blocks in LOCK_EX (no polling, no clock) and says when it gets it. */
function pythonBlockingLock(file: string): Promise<string> {
  const code = ["import fcntl, os, sys", "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)", "fcntl.flock(fd, fcntl.LOCK_EX)", "print('acquired', flush=True)"].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", code, file], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out.trim()));
  });
}

describe.runIf(hasPython).each(HOLDERS)("lock helper lifetime ($holder)", ({ env }) => {
  it("the lock is released when the Node process that took it is killed", async () => {
    // A separate node process takes the lock through the real withAuthLock (built module) and
    // never releases it; SIGKILL must still free the lock (fd closed by the kernel, or the
    // Python holder sees EOF on stdin and exits).
    const parentCode = `
      import(process.env.LOCK_MODULE).then(({ withAuthLock }) =>
        withAuthLock(process.env.AUTH, { timeoutMs: 5000 }, () => { console.log("locked"); return new Promise(() => {}); }));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", parentCode], {
      env: { ...env, LOCK_MODULE: pathToFileURL(path.join(ROOT, "dist/src/hermes/lock.js")).href, AUTH: authJson },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(parent);
    await new Promise<void>((resolve) => parent.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve()));
    expect(await pythonTryLock(lockFile)).toBe("blocked");
    const gone = new Promise((r) => parent.once("exit", r));
    parent.kill("SIGKILL");
    await gone;
    // A blocking LOCK_EX returns as soon as the kernel has dropped the lock.
    expect(await pythonBlockingLock(lockFile)).toBe("acquired");
  });
});

describe("withAuthLock without a helper", () => {
  it("HERMES_DOCTOR_PYTHON naming a missing interpreter -> AuthLockUnavailableError saying nothing was written", async () => {
    let ran = false;
    const err = await withAuthLock(
      authJson,
      { timeoutMs: 1_000, env: { PATH: process.env.PATH, HERMES_DOCTOR_PYTHON: path.join(dir, "no-such-python") } },
      async () => {
        ran = true;
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthLockUnavailableError);
    expect((err as AuthLockUnavailableError).reason).toBe("no_python");
    expect((err as Error).message).toContain("NOT written");
    expect((err as Error).message).toContain("HERMES_DOCTOR_PYTHON");
    expect(ran).toBe(false);
  });

  it.runIf(process.platform !== "win32")("neither flock(1) nor python3 on PATH -> AuthLockUnavailableError naming both", async () => {
    const emptyBin = path.join(dir, "bin");
    mkdirSync(emptyBin);
    const err = await withAuthLock(authJson, { timeoutMs: 1_000, env: { PATH: emptyBin } }, async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthLockUnavailableError);
    expect((err as Error).message).toMatch(/flock\(1\) or Python 3/);
  });
});
