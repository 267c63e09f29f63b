// Writes a file the way Hermes writes auth.json (utils.py `_atomic_write` / `atomic_replace`,
// hermes_cli/auth.py `_save_auth_store`; reference doc §2): a temp file in the same folder,
// `.<stem>_<random>.tmp` (".auth_…" for auth.json), 0600 from creation, fsync, rename over the
// real file (a symlink is resolved first so the link survives), then the directory is fsynced.

import { randomBytes } from "node:crypto";
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

const isWindows = process.platform === "win32";

// The real file a path points at. Like Python's os.path.realpath (non-strict), a dangling link
// still resolves to where its target would be, so a new file is created there.
async function resolveTarget(target: string): Promise<string> {
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

async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; Hermes skips it there too (fsync_directory).
  if (isWindows) return;
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

/**
 * Atomically replaces `targetPath` with `text` (UTF-8). Keeps the existing file's mode
 * (0600 when it did not exist); `opts.mode` may only narrow it, never widen it.
 * On failure the original is untouched, the temp file removed, and an AtomicWriteError thrown.
 */
export async function writeFileAtomic(targetPath: string, text: string, opts: { mode?: number } = {}): Promise<void> {
  let real: string;
  try {
    real = await resolveTarget(targetPath);
  } catch (err) {
    throw wrap(targetPath, err, "resolve");
  }
  const dir = path.dirname(real);

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

  const stem = path.parse(real).name;
  const tmp = path.join(dir, `.${stem}_${randomBytes(6).toString("hex")}.tmp`);
  let created = false;
  try {
    // O_EXCL at 0600 like mkstemp: the secret is never readable at the process umask.
    const handle = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    created = true;
    try {
      if (!isWindows) await handle.chmod(mode); // fchmod before the replace, as Hermes does
      // As root (Docker/NAS), give the file back to its owner like _restore_file_metadata.
      if (owner && process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid).catch(() => undefined);
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, real);
    } catch (err) {
      // A bind-mounted file cannot be renamed over (EXDEV/EBUSY); Hermes' atomic_replace falls
      // back to copy + fsync + unlink there, and so do we.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EXDEV" && code !== "EBUSY") throw err;
      await copyInPlace(tmp, real);
      await fs.unlink(tmp).catch(() => undefined);
    }
    created = false;
  } catch (err) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw wrap(targetPath, err, "write");
  }
  await fsyncDir(dir);
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
