import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { promises as fs, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, lstatSync, readlinkSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AtomicWriteError, REPLACE_RETRY_ATTEMPTS, replaceRetryDelayMs, writeFileAtomic } from "../src/hermes/atomic-write.js";

const posix = process.platform !== "win32";
let dir = "";
const mode = (p: string): number => statSync(p).mode & 0o777;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "doctor-aw-"));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("replaces the content and leaves no temp file", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, '{"old":true}', { mode: 0o600 });
    await writeFileAtomic(p, '{"new":true}\n');
    expect(readFileSync(p, "utf8")).toBe('{"new":true}\n');
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });

  it("creates a missing file at 0600", async () => {
    const p = path.join(dir, "auth.json");
    await writeFileAtomic(p, "{}");
    expect(readFileSync(p, "utf8")).toBe("{}");
    if (posix) expect(mode(p)).toBe(0o600);
  });

  it.runIf(posix)("keeps 0600, keeps 0640, and never widens", async () => {
    const a = path.join(dir, "a.json");
    writeFileSync(a, "x");
    chmodSync(a, 0o600);
    await writeFileAtomic(a, "y");
    expect(mode(a)).toBe(0o600);

    const b = path.join(dir, "b.json");
    writeFileSync(b, "x");
    chmodSync(b, 0o640);
    await writeFileAtomic(b, "y");
    expect(mode(b)).toBe(0o640);

    // An explicit wider mode must not widen an existing file.
    await writeFileAtomic(a, "z", { mode: 0o644 });
    expect(mode(a)).toBe(0o600);
    // ...but may narrow it.
    await writeFileAtomic(b, "z", { mode: 0o600 });
    expect(mode(b)).toBe(0o600);
  });

  it.runIf(posix)("replaces a symlink's real file and keeps the link", async () => {
    const realDir = path.join(dir, "real");
    await fs.mkdir(realDir);
    const real = path.join(realDir, "auth.json");
    writeFileSync(real, "old", { mode: 0o600 });
    const link = path.join(dir, "auth.json");
    symlinkSync(real, link);
    await writeFileAtomic(link, "new");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, "utf8")).toBe("new");
    expect(readdirSync(realDir)).toEqual(["auth.json"]);
    expect(readdirSync(dir).sort()).toEqual(["auth.json", "real"]);
  });

  it("uses a .auth_<random>.tmp temp file in the same folder", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "old");
    const seen: string[] = [];
    const realOpen = fs.open.bind(fs);
    vi.spyOn(fs, "open").mockImplementation(((file: string, ...rest: unknown[]) => {
      seen.push(String(file));
      return (realOpen as (...a: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.open);
    await writeFileAtomic(p, "new");
    const tmp = seen.find((f) => f.endsWith(".tmp"));
    expect(tmp).toBeDefined();
    expect(path.dirname(tmp!)).toBe(await fs.realpath(dir));
    expect(path.basename(tmp!)).toMatch(/^\.auth_[0-9a-f]+\.tmp$/);
  });

  it("a failing write leaves the original intact and no temp file", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "original", { mode: 0o600 });
    vi.spyOn(fs, "rename").mockRejectedValueOnce(Object.assign(new Error("boom"), { code: "EIO" }));
    const err = await writeFileAtomic(p, "new").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicWriteError);
    expect((err as AtomicWriteError).code).toBe("EIO");
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).toContain("left unchanged");
    expect(readFileSync(p, "utf8")).toBe("original");
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });

  it.runIf(posix && process.getuid?.() !== 0)("an unwritable folder fails clearly and leaves the original", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "original");
    chmodSync(dir, 0o500);
    try {
      const err = await writeFileAtomic(p, "new").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtomicWriteError);
      expect((err as Error).message).toMatch(/permission denied/);
    } finally {
      chmodSync(dir, 0o700);
    }
    expect(readFileSync(p, "utf8")).toBe("original");
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });

  it("falls back to copying over a bind-mounted file (EXDEV/EBUSY), like Hermes", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "original");
    vi.spyOn(fs, "rename").mockRejectedValueOnce(Object.assign(new Error("busy"), { code: "EBUSY" }));
    await writeFileAtomic(p, "new");
    expect(readFileSync(p, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });
});

// Windows is not available here: the rename is a seam, and a refusal is injected with the codes
// libuv gives winerror 5/32/33 (EACCES/EPERM, EBUSY). Hermes' rule (utils.py atomic_replace):
// retry ~4 times with jittered backoff, then rewrite the file in place — never drop the write.
describe("writeFileAtomic on Windows, a rename refused because another process holds the file", () => {
  const refusing = (codes: string[]) => {
    const calls: string[] = [];
    const rename = async (from: string, to: string): Promise<void> => {
      const code = codes[calls.length];
      calls.push(code ?? "ok");
      if (code) throw Object.assign(new Error(`rename refused (${code})`), { code });
      await fs.rename(from, to);
    };
    return { calls, rename };
  };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);
  beforeEach(() => void (sleeps.length = 0));

  it.each(["EPERM", "EACCES", "EBUSY"])("%s twice, then the rename wins: atomic, after two backoffs", async (code) => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "original");
    const r = refusing([code, code]);
    await writeFileAtomic(p, "new", { platform: "win32", rename: r.rename, sleep });
    expect(r.calls).toEqual([code, code, "ok"]);
    expect(sleeps).toHaveLength(2);
    expect(readFileSync(p, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });

  it("still held after every retry: the file is rewritten in place, the temp file removed", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "a much longer original content than the new one");
    const r = refusing(Array(REPLACE_RETRY_ATTEMPTS + 1).fill("EBUSY"));
    await writeFileAtomic(p, "new", { platform: "win32", rename: r.rename, sleep });
    expect(r.calls).toHaveLength(REPLACE_RETRY_ATTEMPTS + 1);
    expect(readFileSync(p, "utf8")).toBe("new"); // truncated to the new length
    expect(readdirSync(dir)).toEqual(["auth.json"]);
    // Hermes' budget: 20, 40, 80, 100 ms plus up to 50 % jitter, about 310 ms at worst.
    expect(sleeps).toHaveLength(REPLACE_RETRY_ATTEMPTS);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(360);
  });

  it("the backoff is Hermes' jittered_backoff(attempt, 0.02, 0.1)", () => {
    expect([1, 2, 3, 4].map((a) => replaceRetryDelayMs(a, () => 0))).toEqual([20, 40, 80, 100]);
    expect([1, 2, 3, 4].map((a) => replaceRetryDelayMs(a, () => 1))).toEqual([30, 60, 120, 150]);
  });

  it("a different error during the retries is reported, the original left intact", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "original");
    const r = refusing(["EPERM", "EIO"]);
    const err = await writeFileAtomic(p, "new", { platform: "win32", rename: r.rename, sleep }).catch((e: unknown) => e);
    expect((err as AtomicWriteError).code).toBe("EIO");
    expect(readFileSync(p, "utf8")).toBe("original");
    expect(readdirSync(dir)).toEqual(["auth.json"]);
  });

  it("not on Windows: EPERM is a plain failure (no retry)", async () => {
    const p = path.join(dir, "auth.json");
    writeFileSync(p, "original");
    const r = refusing(["EPERM"]);
    const err = await writeFileAtomic(p, "new", { platform: "linux", rename: r.rename, sleep }).catch((e: unknown) => e);
    expect((err as AtomicWriteError).code).toBe("EPERM");
    expect(r.calls).toEqual(["EPERM"]);
    expect(sleeps).toHaveLength(0);
  });
});
