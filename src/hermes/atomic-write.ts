// Writes a file the way Hermes writes auth.json (NousResearch/hermes-agent utils.py `_atomic_write`
// / `atomic_replace` and hermes_cli/auth.py `_save_auth_store`, both @ 00067189dfecf833d4d009c2dd977ae85cf800e0):
// a temp file in the same folder, `.<stem>_<random>.tmp` (".auth_…" for auth.json), 0600 from
// creation, fsync, rename over the real file (a symlink is resolved first so the link survives),
// then the directory is fsynced. A rename Windows refuses because another process holds the file
// is retried the way Hermes retries it, then the file is rewritten in place (see renameOrFallback).
//
// prepareAtomicWrite does every step that does not need the content (resolve, stat) up front, so
// a caller holding a just-rotated token goes straight to write + fsync + rename.

import { promises as fs, constants as fsc } from "node:fs";
import path from "node:path";

export class AtomicWriteError extends Error {
  override readonly name = "AtomicWriteError";
  constructor(
    readonly targetPath: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// The real file a path points at. Like Python's os.path.realpath (non-strict), a dangling link
// still resolves to where its target would be, so a new file is created there.
export async function resolveTarget(target: string): Promise<string> {
  let current = path.resolve(target);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = await fs.lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") break;
      throw err;
    }
    if (!st.isSymbolicLink()) break;
    const link = await fs.readlink(current);
    current = path.resolve(path.dirname(current), link);
  }
  // Resolve symlinked parent folders too, so the temp file really shares the target's filesystem.
  try {
    return path.join(await fs.realpath(path.dirname(current)), path.basename(current));
  } catch {
    return current;
  }
}

async function fsyncDir(dir: string, platform: NodeJS.Platform): Promise<void> {
  // Windows cannot open a directory for fsync; Hermes skips it there too (fsync_directory).
  if (platform === "win32") return;
  let handle;
  try {
    handle = await fs.open(dir, fsc.O_RDONLY);
    await handle.sync();
  } catch {
    // Best effort, as in Hermes: the rename has already happened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Test seams: the rename and sleep functions, and the platform whose rules apply. */
export interface AtomicWriteSeams {
  rename?: (from: string, to: string) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  platform?: NodeJS.Platform;
}

export interface PreparedWrite {
  /** The real file that will be replaced (symlinks resolved). */
  realPath: string;
  /** Writes `text` to a fsynced temp file, renames it over realPath, fsyncs the folder. */
  write(text: string): Promise<void>;
}

/**
 * Resolves where `targetPath` really is and what mode and owner it keeps; the returned write()
 * does the rest. Keeps the existing file's mode (0600 when it did not exist); `opts.mode` may only
 * narrow it, never widen it. Throws AtomicWriteError.
 */
export async function prepareAtomicWrite(targetPath: string, opts: { mode?: number } & AtomicWriteSeams = {}): Promise<PreparedWrite> {
  let real: string;
  try {
    real = await resolveTarget(targetPath);
  } catch (err) {
    throw wrap(targetPath, err, "resolve");
  }
  let existingMode: number | undefined;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = await fs.stat(real);
    existingMode = st.mode & 0o7777;
    owner = { uid: st.uid, gid: st.gid };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw wrap(targetPath, err, "stat");
  }
  // Never widen: an explicit mode can only drop bits the file already lacks.
  const mode = existingMode === undefined ? (opts.mode ?? 0o600) & 0o600 : opts.mode === undefined ? existingMode : existingMode & opts.mode;
  return { realPath: real, write: (text) => writeTo(targetPath, real, text, mode, owner, opts) };
}

/**
 * Atomically replaces `targetPath` with `text` (UTF-8), as prepareAtomicWrite + write.
 * On failure the original is untouched, the temp file removed, and an AtomicWriteError thrown.
 */
export async function writeFileAtomic(targetPath: string, text: string, opts: { mode?: number } & AtomicWriteSeams = {}): Promise<void> {
  await (await prepareAtomicWrite(targetPath, opts)).write(text);
}

/** The temp files Hermes and we leave beside `<stem>.json`: `.<stem>_<random>.tmp`. */
export function isTempFileOf(realPath: string, name: string): boolean {
  const stem = path.parse(realPath).name;
  return name.startsWith(`.${stem}_`) && name.endsWith(".tmp") && name.length > stem.length + 6;
}

async function writeTo(targetPath: string, real: string, text: string, mode: number, owner: { uid: number; gid: number } | undefined, seams: AtomicWriteSeams): Promise<void> {
  const platform = seams.platform ?? process.platform;
  const dir = path.dirname(real);
  const tmp = path.join(dir, `.${path.parse(real).name}_${process.getBuiltinModule("node:crypto").randomBytes(6).toString("hex")}.tmp`);
  let created = false;
  try {
    // O_EXCL at 0600 like mkstemp: the secret is never readable at the process umask.
    const handle = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    created = true;
    try {
      if (platform !== "win32") await handle.chmod(mode); // fchmod before the replace, as Hermes does
      // As root (Docker/NAS), give the file back to its owner like _restore_file_metadata.
      if (owner && process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid).catch(() => undefined);
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameOrFallback(tmp, real, text, platform, seams);
    created = false;
  } catch (err) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw wrap(targetPath, err, "write");
  }
  await fsyncDir(dir, platform);
}

// Hermes' budget for a rename Windows refuses because another handle holds the file
// (utils.py _REPLACE_RETRY_*: 4 attempts, base 20 ms, cap 100 ms, agent/retry_utils.py
// jittered_backoff adds up to 50 %): about 310 ms at worst, then an in-place rewrite.
export const REPLACE_RETRY_ATTEMPTS = 4;
const REPLACE_RETRY_BASE_MS = 20;
const REPLACE_RETRY_MAX_MS = 100;

/** jittered_backoff(attempt, base_delay=0.02, max_delay=0.1), in ms. */
export function replaceRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const delay = Math.min(REPLACE_RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1), REPLACE_RETRY_MAX_MS);
  return delay + random() * 0.5 * delay;
}

// Windows winerror 5/32/33 (access denied / sharing violation / lock violation) reach Node as
// EACCES/EPERM and EBUSY (libuv src/win/error.c uv_translate_sys_error). Ambiguous, as Hermes
// notes (a real ACL denial is also 5), so the retry is bounded and the rewrite's own error wins.
const isContended = (code: string | undefined, platform: NodeJS.Platform) =>
  platform === "win32" && (code === "EPERM" || code === "EACCES" || code === "EBUSY");

async function renameOrFallback(tmp: string, real: string, text: string, platform: NodeJS.Platform, seams: AtomicWriteSeams): Promise<void> {
  const rename = seams.rename ?? fs.rename;
  const sleep = seams.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let code: string | undefined;
  try {
    await rename(tmp, real);
    return;
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
    if (!isContended(code, platform) && code !== "EXDEV" && code !== "EBUSY") throw err;
  }
  if (isContended(code, platform)) {
    for (let attempt = 1; attempt <= REPLACE_RETRY_ATTEMPTS; attempt++) {
      await sleep(replaceRetryDelayMs(attempt));
      try {
        await rename(tmp, real);
        return;
      } catch (err) {
        code = (err as NodeJS.ErrnoException).code;
        if (code === "EXDEV") break; // not contention after all: copy instead
        if (!isContended(code, platform)) throw err;
      }
    }
    if (code !== "EXDEV") {
      await rewriteInPlace(tmp, real, text);
      return;
    }
  }
  // A bind-mounted file cannot be renamed over (EXDEV/EBUSY); Hermes' atomic_replace falls
  // back to copy + fsync + unlink there, and so do we.
  await copyInPlace(tmp, real);
  await fs.unlink(tmp).catch(() => undefined);
}

/** Hermes' _rewrite_in_place: through the existing file (keeps its ACL), truncate, fsync, drop the temp. */
async function rewriteInPlace(tmp: string, real: string, text: string): Promise<void> {
  const handle = await fs.open(real, fsc.O_WRONLY);
  try {
    await handle.writeFile(text, "utf8"); // from offset 0: the handle was just opened
    await handle.truncate(Buffer.byteLength(text, "utf8"));
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
  await fs.unlink(tmp).catch(() => undefined);
}

async function copyInPlace(from: string, to: string): Promise<void> {
  await fs.copyFile(from, to);
  const handle = await fs.open(to, fsc.O_RDONLY);
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

function wrap(target: string, err: unknown, step: "resolve" | "stat" | "write"): AtomicWriteError {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? "EUNKNOWN";
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "ENOSPC"
        ? "the disk is full"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "ENOENT"
            ? "the folder does not exist"
            : code === "EXDEV"
              ? "the target is on another file system than its folder (bind mount)"
              : (e?.message ?? String(err));
  return new AtomicWriteError(target, code, `Could not ${step === "write" ? "write" : step} ${target}: ${why} (${code}). The original file was left unchanged.`);
}
