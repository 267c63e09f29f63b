// The one way the doctor reads a file (auth.json, the root store, config.yaml, .env,
// active_profile, CA bundles). Every file here is user input that may be anything: a FIFO (a
// plain open() blocks a thread-pool thread forever, so the process never exits), /dev/zero (a
// plain read never ends), a 10 GB sparse file, a dangling or looping symlink. So: look at the type
// first, open non-blocking, check the type again on the open descriptor (the path may have been
// swapped in between), and read at most a per-kind cap.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { lstat, open, stat } from "node:fs/promises";

export type FileKind = "auth_store" | "config_yaml" | "dotenv" | "active_profile" | "ca_bundle";

/**
 * The most the doctor reads of each kind. Each is far above any real file of that kind (a Hermes
 * auth.json with dozens of providers and pool rows is a few kB; a system CA bundle is ~250 kB) and
 * small enough that reading it is instant. Documented in docs/reliability.md.
 */
export const READ_LIMITS: Readonly<Record<FileKind, number>> = {
  auth_store: 16 * 1024 * 1024,
  config_yaml: 4 * 1024 * 1024,
  dotenv: 1024 * 1024,
  active_profile: 64 * 1024,
  ca_bundle: 16 * 1024 * 1024,
};

export type BoundedRead =
  | { kind: "ok"; bytes: Buffer }
  /** Absent (ENOENT/ENOTDIR), as Python's Path.exists() sees it; `danglingLink` when the path is a symlink to nothing. */
  | { kind: "missing"; danglingLink?: true }
  /** Exists but cannot be read: EACCES, EISDIR, ENOTREG (FIFO, socket, device), ELOOP, EIO, ... */
  | { kind: "unreadable"; errno: string; message: string }
  /** Larger than READ_LIMITS[kind]: not read. */
  | { kind: "too_large"; size: number; limit: number };

/** Plain words for an errno; never includes file contents. */
export function describeErrno(errno: string): string {
  switch (errno) {
    case "EACCES": return "permission denied";
    case "EPERM": return "operation not permitted";
    case "EISDIR": return "it is a directory, not a file";
    case "ENOTREG": return "it is not a regular file (a pipe, socket or device)";
    case "EIO": return "I/O error";
    case "ELOOP": return "too many symbolic links (a symlink loop?)";
    case "ENAMETOOLONG": return "the path is too long";
    case "EMFILE": case "ENFILE": return "too many open files";
    case "ETIMEDOUT": case "ESTALE": return "the file system did not answer (network mount?)";
    default: return errno;
  }
}

const errnoOf = (err: unknown): string => (err as NodeJS.ErrnoException | undefined)?.code ?? "UNKNOWN";
const unreadable = (errno: string): BoundedRead => ({ kind: "unreadable", errno, message: describeErrno(errno) });
// Absent from Windows' fs.constants: there a FIFO cannot sit at a path anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

/** A regular file within the cap, else why not (shared by the path check and the fd check). */
function judge(st: Stats, limit: number): BoundedRead | undefined {
  if (st.isDirectory()) return unreadable("EISDIR");
  if (!st.isFile()) return unreadable("ENOTREG");
  if (st.size > limit) return { kind: "too_large", size: st.size, limit };
  return undefined;
}

function absent(errno: string): boolean {
  return errno === "ENOENT" || errno === "ENOTDIR";
}

/** Reads at most READ_LIMITS[kind] bytes of a regular file. Never throws, never blocks on a special file. */
export async function readBounded(path: string, kind: FileKind, limit = READ_LIMITS[kind]): Promise<BoundedRead> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    const errno = errnoOf(err);
    if (!absent(errno)) return unreadable(errno);
    const link = await lstat(path).then((l) => l.isSymbolicLink(), () => false);
    return link ? { kind: "missing", danglingLink: true } : { kind: "missing" };
  }
  const early = judge(st, limit);
  if (early) return early;
  let fh;
  try {
    fh = await open(path, OPEN_FLAGS);
  } catch (err) {
    const errno = errnoOf(err);
    return absent(errno) ? { kind: "missing" } : unreadable(errno);
  }
  try {
    const late = judge(await fh.stat(), limit);
    if (late) return late;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the cap tells a file that grew since fstat from one that fits exactly.
      const want = Math.min(CHUNK, limit + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return { kind: "too_large", size: total, limit };
    }
    return { kind: "ok", bytes: Buffer.concat(chunks, total) };
  } catch (err) {
    return unreadable(errnoOf(err));
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** The same, synchronously (for flag validation before anything runs). */
export function readBoundedSync(path: string, kind: FileKind, limit = READ_LIMITS[kind]): BoundedRead {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const errno = errnoOf(err);
    if (!absent(errno)) return unreadable(errno);
    let link = false;
    try { link = lstatSync(path).isSymbolicLink(); } catch { /* absent */ }
    return link ? { kind: "missing", danglingLink: true } : { kind: "missing" };
  }
  const early = judge(st, limit);
  if (early) return early;
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    const errno = errnoOf(err);
    return absent(errno) ? { kind: "missing" } : unreadable(errno);
  }
  try {
    const late = judge(fstatSync(fd), limit);
    if (late) return late;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(CHUNK, limit + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) return { kind: "too_large", size: total, limit };
    }
    return { kind: "ok", bytes: Buffer.concat(chunks, total) };
  } catch (err) {
    return unreadable(errnoOf(err));
  } finally {
    try { closeSync(fd); } catch { /* already closed */ }
  }
}

/** A size in words ("10.0 GiB", "4.0 MiB") for findings. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export type TextRead = Exclude<BoundedRead, { kind: "ok" }> | { kind: "ok"; text: string };

/**
 * A text file Hermes treats as optional (config.yaml, .env, active_profile): bounded read, then
 * UTF-8 with invalid bytes replaced (as Node's readFile(…, "utf8") did) and a leading BOM dropped.
 */
export async function readBoundedText(path: string, kind: FileKind): Promise<TextRead> {
  const r = await readBounded(path, kind);
  if (r.kind !== "ok") return r;
  return { kind: "ok", text: r.bytes.toString("utf8").replace(/^\uFEFF/, "") };
}
