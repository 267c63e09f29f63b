// "Read-only really is": a snapshot of every entry under a folder (type, inode, mode, mtime, size,
// a hash of the bytes, a link's target), and an assertion that nothing in it changed, appeared or
// disappeared. Reusable by any test of a command that must not write (xai --read-only, triage, demo).
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";

export interface EntrySnapshot {
  type: "file" | "dir" | "symlink" | "other";
  ino: number;
  mode: number;
  mtimeMs: number;
  size: number;
  sha256?: string;
  target?: string;
}

export type TreeSnapshot = Record<string, EntrySnapshot>;

/** Every entry under `dir` (not following symlinks), keyed by its path relative to `dir`. */
export async function snapshotTree(dir: string): Promise<TreeSnapshot> {
  const out: TreeSnapshot = {};
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(dir, rel);
    const st = await lstat(abs);
    const type = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
    out[rel || "."] = {
      type, ino: st.ino, mode: st.mode, mtimeMs: st.mtimeMs, size: st.size,
      ...(type === "file" ? { sha256: createHash("sha256").update(await readFile(abs)).digest("hex") } : {}),
      ...(type === "symlink" ? { target: await readlink(abs) } : {}),
    };
    if (type === "dir") for (const name of (await readdir(abs)).sort()) await walk(path.join(rel, name));
  };
  await walk("");
  return out;
}

/** Fails, naming the entries, when anything under `dir` differs from `before`. */
export async function assertUnchanged(dir: string, before: TreeSnapshot): Promise<void> {
  const after = await snapshotTree(dir);
  const added = Object.keys(after).filter((k) => !(k in before));
  const removed = Object.keys(before).filter((k) => !(k in after));
  const changed = Object.keys(before).filter((k) => k in after && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  expect({ added, removed, changed }).toEqual({ added: [], removed: [], changed: [] });
}
