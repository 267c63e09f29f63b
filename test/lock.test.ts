// Interoperation with a REAL, separate Python process using fcntl.flock, as Hermes does.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AuthLockTimeoutError, AuthLockUnavailableError, HOLDER_SCRIPT, authLockPath, withAuthLock } from "../src/hermes/lock.js";

const hasPython = process.platform !== "win32" && spawnSync("python3", ["-c", "import fcntl"]).status === 0;

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

describe.runIf(hasPython)("withAuthLock against a real Python flock holder", () => {
  it("times out (bounded) while Python holds the lock, then succeeds once it releases", async () => {
    const holder = await pythonHolder(lockFile);
    let ran = false;
    const t0 = Date.now();
    const err = await withAuthLock(authJson, { timeoutMs: 300 }, async () => {
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
    const result = await withAuthLock(authJson, { timeoutMs: 2_000 }, async () => "done");
    expect(result).toBe("done");
  });

  it("waits for a holder that releases within the timeout", async () => {
    const holder = await pythonHolder(lockFile);
    setTimeout(() => void holder.release(), 300);
    const t0 = Date.now();
    await withAuthLock(authJson, { timeoutMs: 5_000 }, async () => undefined);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it("while we hold it, Python's LOCK_EX|LOCK_NB gets BlockingIOError (Hermes would wait)", async () => {
    const inside = await withAuthLock(authJson, { timeoutMs: 2_000 }, () => pythonTryLock(lockFile));
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
      "        if time.monotonic() >= deadline: raise TimeoutError('Timed out waiting for auth store lock')",
      "        time.sleep(0.05)",
      "print('acquired after', tries, flush=True)",
    ].join("\n");
    let hermes: Promise<string> | undefined;
    await withAuthLock(authJson, { timeoutMs: 2_000 }, async () => {
      const child = spawn("python3", ["-c", code, lockFile], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      hermes = new Promise((resolve) => child.on("close", () => resolve(out.trim())));
      await new Promise((r) => setTimeout(r, 400));
    });
    const line = await hermes!;
    expect(line).toMatch(/^acquired after \d+$/);
    expect(Number(line.split(" ").pop())).toBeGreaterThan(2);
  });

  it("releases the lock when fn throws", async () => {
    const boom = new Error("fn failed");
    await expect(withAuthLock(authJson, { timeoutMs: 2_000 }, async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await pythonTryLock(lockFile)).toBe("acquired");
  });

  it("creates the lock file at 0600, and its folder if missing", async () => {
    const nested = path.join(dir, "profiles", "work", "auth.json");
    await withAuthLock(nested, { timeoutMs: 2_000 }, async () => undefined);
    const lock = path.join(dir, "profiles", "work", "auth.lock");
    expect(existsSync(lock)).toBe(true);
    expect(statSync(lock).mode & 0o777).toBe(0o600);
  });

  it("an unopenable lock file -> AuthLockUnavailableError(lock_failed), fn not run", async () => {
    const notADir = path.join(dir, "file");
    writeFileSync(notADir, "x");
    let ran = false;
    const err = await withAuthLock(path.join(notADir, "auth.json"), { timeoutMs: 1_000 }, async () => {
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
    const err = await withAuthLock(authJson, { timeoutMs: 10_000, signal: ac.signal }, async () => {
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

describe.runIf(hasPython)("lock helper lifetime", () => {
  it("the lock is released when the Node process that took it is killed", async () => {
    // A separate node process takes the lock through the helper script, then gets SIGKILLed:
    // the helper sees EOF on stdin and exits, so the kernel drops the flock.
    const parentCode = `
      const { spawn } = require("node:child_process");
      const c = spawn("python3", ["-I", "-S", "-c", process.env.SCRIPT, process.env.LOCK, "5"], { stdio: ["pipe", "pipe", "inherit"] });
      c.stdout.on("data", (d) => { if (String(d).includes("locked")) console.log("locked"); });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", parentCode], { env: { ...process.env, SCRIPT: HOLDER_SCRIPT, LOCK: lockFile }, stdio: ["ignore", "pipe", "inherit"] });
    children.push(parent);
    await new Promise<void>((resolve) => parent.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve()));
    expect(await pythonTryLock(lockFile)).toBe("blocked");
    parent.kill("SIGKILL");
    let state = "blocked";
    for (let i = 0; i < 40 && state !== "acquired"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await pythonTryLock(lockFile);
    }
    expect(state).toBe("acquired");
  });
});

describe("withAuthLock without Python", () => {
  it("a missing interpreter -> AuthLockUnavailableError saying nothing was written", async () => {
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
});
