// Takes the same cross-process lock Hermes takes before touching auth.json.
// Hermes (hermes_cli/auth.py `_file_lock` / `_auth_store_lock`, reference doc §2): an exclusive
// fcntl.flock on `auth.lock` beside auth.json (POSIX), or msvcrt.locking of byte 0 of a lock
// file pre-filled with a space (Windows), polled every 50 ms; default timeout 15 s, 25 s on
// the xAI refresh path. Node has no flock, so a small Python child holds the lock for us:
// the kernel releases it when the child exits, which happens when we close its stdin or die.

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

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

/** The lock could not be taken at all (no Python, or the lock file cannot be opened). */
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
            "hermes-doctor needs Python 3 to share Hermes' file lock: install python3, or set HERMES_DOCTOR_PYTHON to a Python 3 interpreter (for example Hermes' own venv python)."
        : `Could not take the auth store lock ${lockPath}: ${detail}. The auth store was NOT written.`,
    );
  }
}

// argv: lock path, timeout seconds. Mirrors _file_lock: parent mkdir, Windows pre-fill, 50 ms
// poll, and the same max(1.0, timeout) floor (so a shorter timeout still waits 1 s). Exit 3 + "timeout" when the deadline passes.
/** @internal Exported for tests only. */
export const HOLDER_SCRIPT = `
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

/** Spawns the holder and resolves once it prints "locked". */
function acquire(lockPath: string, opts: AuthLockOptions): Promise<ChildProcess> {
  const env = opts.env ?? process.env;
  const python = env.HERMES_DOCTOR_PYTHON || defaultPython();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason ?? new DOMException("The operation was aborted", "AbortError"));
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
    const onAbort = (): void => finish(opts.signal?.reason ?? new DOMException("The operation was aborted", "AbortError"));
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
 * Runs `fn` while holding Hermes' auth store lock for `authJsonPath`. The lock is released
 * when fn settles, whatever happens. Throws AuthLockTimeoutError or AuthLockUnavailableError
 * (fn not run), the signal's reason when aborted while waiting, or whatever fn throws.
 */
export async function withAuthLock<T>(authJsonPath: string, opts: AuthLockOptions, fn: () => Promise<T>): Promise<T> {
  const lockPath = authLockPath(authJsonPath);
  const child = await acquire(lockPath, opts);
  try {
    return await fn();
  } finally {
    await releaseLock(child);
  }
}
