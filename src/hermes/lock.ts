// Takes the same cross-process lock Hermes takes before touching auth.json.
// Hermes (hermes_cli/auth.py `_file_lock` / `_auth_store_lock` @ 00067189dfecf833d4d009c2dd977ae85cf800e0):
// an exclusive fcntl.flock on `auth.lock` beside auth.json (POSIX), or msvcrt.locking of byte 0 of a
// lock file pre-filled with a space (Windows), polled every 50 ms; default timeout 15 s, 25 s on
// the xAI refresh path.
//
// Node has no flock(2), so a helper takes it for us. First choice (POSIX): util-linux `flock(1)`
// on a file descriptor WE opened and passed to it as fd 3. flock(2) locks belong to the open file
// description, so when the helper exits (in milliseconds) the lock stays held through our own fd;
// closing it releases the lock, and so does our death, even by SIGKILL (the kernel closes it).
// Fallback (Windows, no flock(1), or HERMES_DOCTOR_PYTHON set): a Python child that holds the lock
// until we close its stdin or die. python3 is often a version-manager shim that takes ~1 s to start.

import type { ChildProcess } from "node:child_process";
import { constants as fsc, promises as fs } from "node:fs";
import path from "node:path";

/** node:child_process on first lock, not at start-up: most runs never take the lock (Node ≥ 20.16). */
const spawn = ((...args: Parameters<typeof import("node:child_process").spawn>) =>
  process.getBuiltinModule("node:child_process").spawn(...args)) as typeof import("node:child_process").spawn;

export const AUTH_LOCK_TIMEOUT_MS = 15_000;
export const XAI_REFRESH_LOCK_TIMEOUT_MS = 25_000;

/** auth.json -> auth.lock (the suffix replaced, like pathlib's with_suffix(".lock")). */
export function authLockPath(authJsonPath: string): string {
  const { dir, name, ext } = path.parse(authJsonPath);
  // with_suffix on a name without a suffix appends one: "auth" -> "auth.lock".
  return path.join(dir, `${ext ? name : path.basename(authJsonPath)}.lock`);
}

/** Another process (most likely a running Hermes) held the lock for the whole timeout. */
export class AuthLockTimeoutError extends Error {
  override readonly name = "AuthLockTimeoutError";
  constructor(
    readonly lockPath: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for the auth store lock ${lockPath}: ` +
        "another process holds it, most likely a running Hermes (a chat, gateway or `hermes auth` refreshing tokens). " +
        "Nothing was written. Retry when Hermes is idle, or stop it first.",
    );
  }
}

/** The lock could not be taken at all (no helper: neither flock(1) nor Python; or the lock file cannot be opened). */
export class AuthLockUnavailableError extends Error {
  override readonly name = "AuthLockUnavailableError";
  constructor(
    readonly lockPath: string,
    readonly reason: "no_python" | "lock_failed",
    detail: string,
  ) {
    super(
      reason === "no_python"
        ? `Could not take the auth store lock ${lockPath}: ${detail}. The auth store was NOT written. ` +
            "hermes-doctor needs util-linux flock(1) or Python 3 to share Hermes' file lock: install one of them, or set HERMES_DOCTOR_PYTHON to a Python 3 interpreter (for example Hermes' own venv python)."
        : `Could not take the auth store lock ${lockPath}: ${detail}. The auth store was NOT written.`,
    );
  }
}

// argv: lock path, timeout seconds. Mirrors _file_lock: parent mkdir, Windows pre-fill, 50 ms
// poll, and the same max(1.0, timeout) floor (so a shorter timeout still waits 1 s). Exit 3 + "timeout" when the deadline passes.
const HOLDER_SCRIPT = `
import os, sys, time
path = sys.argv[1]
timeout = max(1.0, float(sys.argv[2]))
try:
    import fcntl
    msvcrt = None
except ImportError:
    fcntl = None
    import msvcrt
try:
    os.makedirs(os.path.dirname(path) or ".", 0o700, exist_ok=True)
    if msvcrt is not None and (not os.path.exists(path) or os.path.getsize(path) == 0):
        with open(path, "w", encoding="utf-8") as f:
            f.write(" ")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
except OSError as e:
    sys.stdout.write("error %s\\n" % (e.strerror or e))
    sys.stdout.flush()
    sys.exit(4)
deadline = time.monotonic() + timeout
while True:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(fd, 0, 0)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        break
    except OSError:
        if time.monotonic() >= deadline:
            sys.stdout.write("timeout\\n")
            sys.stdout.flush()
            sys.exit(3)
        time.sleep(0.05)
sys.stdout.write("locked\\n")
sys.stdout.flush()
try:
    sys.stdin.buffer.read()
finally:
    os._exit(0)
`;

export interface AuthLockOptions {
  timeoutMs: number;
  /** Used for HERMES_DOCTOR_PYTHON and as the child's environment (PATH lookup). */
  env?: Record<string, string | undefined>;
  /** Cancels waiting for the lock (not `fn` once it runs). */
  signal?: AbortSignal;
}

function defaultPython(): string {
  return process.platform === "win32" ? "python" : "python3";
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

// Slack over the Python-side deadline for interpreter start-up before we give up on the child.
const STARTUP_GRACE_MS = 5_000;

/** Which helper took the lock: util-linux flock(1), or the Python fallback. */
export type LockHolder = "flock" | "python";

interface HeldLock {
  holder: LockHolder;
  release(): Promise<void>;
}

const abortReason = (signal: AbortSignal | undefined): unknown => signal?.reason ?? new DOMException("The operation was aborted", "AbortError");

// flock(1)'s exit status when -w runs out (-E); anything else non-zero is a failure.
const FLOCK_TIMEOUT_EXIT = 3;

/** Opens (creating at 0600, parent 0700, as _file_lock does) the lock file; a read-only fd is enough for flock(2). */
async function openLockFile(lockPath: string): Promise<fs.FileHandle> {
  try {
    await fs.mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });
    try {
      return await fs.open(lockPath, fsc.O_RDWR | fsc.O_CREAT, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
      return await fs.open(lockPath, fsc.O_RDONLY);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new AuthLockUnavailableError(lockPath, "lock_failed", `cannot open it (${e.code ?? e.message})`);
  }
}

/**
 * flock(1) locks our own fd (passed as its fd 3) and exits; the lock then lives on our fd.
 * Resolves undefined when flock(1) is not installed, so the caller falls back to Python.
 */
async function acquireWithFlock(lockPath: string, opts: AuthLockOptions): Promise<HeldLock | undefined> {
  const env = opts.env ?? process.env;
  const handle = await openLockFile(lockPath);
  const seconds = Math.max(1, opts.timeoutMs / 1000); // Hermes' max(1.0, timeout) floor
  let ok = false;
  try {
    const result = await new Promise<"locked" | "missing">((resolve, reject) => {
      if (opts.signal?.aborted) return reject(abortReason(opts.signal));
      const child = spawn("flock", ["--exclusive", "--wait", String(seconds), "--conflict-exit-code", String(FLOCK_TIMEOUT_EXIT), "3"], {
        env: cleanEnv(env),
        stdio: ["ignore", "ignore", "pipe", handle.fd],
      });
      let errText = "";
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        opts.signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = (): void => finish(() => {
        child.kill("SIGKILL");
        reject(abortReason(opts.signal));
      });
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const watchdog = setTimeout(() => finish(() => {
        child.kill("SIGKILL");
        reject(new AuthLockTimeoutError(lockPath, opts.timeoutMs));
      }), seconds * 1000 + STARTUP_GRACE_MS);
      child.stderr?.on("data", (d: Buffer) => (errText = (errText + d.toString("utf8")).slice(-2_000)));
      child.on("error", (err: NodeJS.ErrnoException) => finish(() =>
        err.code === "ENOENT" ? resolve("missing") : reject(new AuthLockUnavailableError(lockPath, "lock_failed", `cannot start flock (${err.code ?? err.message})`))));
      child.on("close", (code) => finish(() => {
        if (code === 0) resolve("locked");
        else if (code === FLOCK_TIMEOUT_EXIT) reject(new AuthLockTimeoutError(lockPath, opts.timeoutMs));
        else reject(new AuthLockUnavailableError(lockPath, "lock_failed", `flock exited with code ${code}${errText.trim() ? `: ${errText.trim().split("\n").pop()}` : ""}`));
      }));
    });
    if (result === "missing") return undefined;
    ok = true;
    return { holder: "flock", release: () => handle.close() };
  } finally {
    // Closing the fd also drops a lock flock(1) took just before we killed it.
    if (!ok) await handle.close().catch(() => undefined);
  }
}

/** Spawns the Python holder and resolves once it prints "locked". */
function acquireWithPython(lockPath: string, opts: AuthLockOptions): Promise<ChildProcess> {
  const env = opts.env ?? process.env;
  const python = env.HERMES_DOCTOR_PYTHON || defaultPython();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(abortReason(opts.signal));
      return;
    }
    let child: ChildProcess;
    try {
      // -I: isolated (no PYTHONPATH/user site can inject code); -S: skip site, faster start.
      child = spawn(python, ["-I", "-S", "-c", HOLDER_SCRIPT, lockPath, String(opts.timeoutMs / 1000)], {
        env: cleanEnv(env),
        stdio: ["pipe", "pipe", "pipe"],
        windowsHide: true,
      });
    } catch (err) {
      reject(new AuthLockUnavailableError(lockPath, "no_python", `cannot start ${python} (${(err as Error).message})`));
      return;
    }
    let out = "";
    let errText = "";
    let settled = false;
    const finish = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      opts.signal?.removeEventListener("abort", onAbort);
      if (err) {
        child.kill("SIGKILL");
        reject(err);
      } else {
        resolve(child);
      }
    };
    const onAbort = (): void => finish(abortReason(opts.signal) as Error);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const watchdog = setTimeout(() => finish(new AuthLockTimeoutError(lockPath, opts.timeoutMs)), Math.max(1_000, opts.timeoutMs) + STARTUP_GRACE_MS);

    child.stdin?.on("error", () => undefined); // EPIPE if the child died first
    child.stderr?.on("data", (d: Buffer) => (errText = (errText + d.toString("utf8")).slice(-2_000)));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      // \r?: Python's text stdout writes \r\n on Windows.
      if (/^locked\r?\n/m.test(out)) finish(undefined);
      else if (/^timeout\r?\n/m.test(out)) finish(new AuthLockTimeoutError(lockPath, opts.timeoutMs));
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      const detail = err.code === "ENOENT" ? `${python} was not found` : `cannot start ${python} (${err.code ?? err.message})`;
      finish(new AuthLockUnavailableError(lockPath, "no_python", detail));
    });
    // "close", not "exit": stdout must be drained before we read the verdict line.
    child.on("close", (code) => {
      const line = out.trim() || errText.trim().split("\n").pop() || "";
      if (code === 3) finish(new AuthLockTimeoutError(lockPath, opts.timeoutMs));
      else if (line.startsWith("error ")) finish(new AuthLockUnavailableError(lockPath, "lock_failed", `cannot open it (${line.slice(6)})`));
      else if (/SyntaxError|No module named|Unknown option|unknown option/.test(errText)) finish(new AuthLockUnavailableError(lockPath, "no_python", `${python} is not a working Python 3 (${line})`));
      else finish(new AuthLockUnavailableError(lockPath, "lock_failed", `the lock helper exited with code ${code}${line ? `: ${line}` : ""}`));
    });
  });
}

/** Closes the holder's stdin (it exits, the kernel drops the lock) and waits for it to go. */
async function releaseLock(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 2_000);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.stdin?.end();
  });
}

/**
 * Takes Hermes' lock for `authJsonPath`: flock(1) first (POSIX, unless HERMES_DOCTOR_PYTHON asks
 * for Python), else the Python holder. Throws AuthLockTimeoutError, AuthLockUnavailableError,
 * or the signal's reason when aborted while waiting.
 */
async function acquire(authJsonPath: string, opts: AuthLockOptions): Promise<HeldLock> {
  const lockPath = authLockPath(authJsonPath);
  const env = opts.env ?? process.env;
  if (process.platform !== "win32" && !env.HERMES_DOCTOR_PYTHON) {
    const held = await acquireWithFlock(lockPath, opts);
    if (held) return held;
  }
  const child = await acquireWithPython(lockPath, opts);
  return { holder: "python", release: () => releaseLock(child) };
}

/**
 * Runs `fn` while holding Hermes' auth store lock for `authJsonPath`. The lock is released
 * when fn settles, whatever happens, and by the kernel if this process dies. `fn` learns which
 * helper took the lock. Throws AuthLockTimeoutError or AuthLockUnavailableError (fn not run),
 * the signal's reason when aborted while waiting, or whatever fn throws.
 */
export async function withAuthLock<T>(authJsonPath: string, opts: AuthLockOptions, fn: (lock: { holder: LockHolder }) => Promise<T>): Promise<T> {
  const held = await acquire(authJsonPath, opts);
  try {
    return await fn({ holder: held.holder });
  } finally {
    await held.release();
  }
}
