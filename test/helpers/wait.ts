// Waiting for what another process reports, never for a fixed time: poll a condition (a request in
// the emulator's log, a file, the kernel's lock table) until it holds. The bound only turns a hang
// into a clear failure; it is generous because the machine's load varies tenfold.
import { readFile, stat } from "node:fs/promises";

export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, maxMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > maxMs) throw new Error(`gave up after ${maxMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Resolves once some process is BLOCKED waiting for a flock(2) on `file`, as the kernel reports it
 * in /proc/locks ("->" lines; inode in decimal after major:minor). Linux only.
 */
export async function waitForFlockWaiter(file: string, maxMs = 30_000): Promise<void> {
  const ino = (await stat(file)).ino;
  const waiting = new RegExp(`^\\d+: -> FLOCK\\s.*:${ino} `, "m");
  await waitUntil(async () => waiting.test(await readFile("/proc/locks", "utf8")), `a process blocked on the flock of ${file}`, maxMs);
}
