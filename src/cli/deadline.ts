// --timeout bounds the whole process, as a script that waits on it sees it: from the fork, not
// from Node's clock, and through the report being printed and the process gone. The library's
// run gets what is left after both.
import { readFileSync } from "node:fs";

/**
 * Stopping the checks, building and printing the report and exiting, after the run's deadline:
 * ~30–90 ms measured on a loaded 2-core machine (the bench's hung-endpoint case), kept in reserve.
 */
export const FINISH_RESERVE_MS = 100;

/** The library's deadline for a --timeout of `timeoutMs`, from now. */
export function runBudgetMs(timeoutMs: number): number {
  return timeoutMs - Math.round(msSinceProcessStart()) - FINISH_RESERVE_MS;
}

/**
 * Milliseconds since this process was forked. performance.now() only starts once the node binary
 * is loaded; on Linux, /proc/self/stat's starttime (field 22, in clock ticks since boot: proc(5),
 * USER_HZ = 100) against /proc/uptime counts the exec too. Both have a 10 ms resolution, so Node's
 * clock stays the floor; an implausible answer (a kernel whose two clocks disagree) is ignored.
 */
export function msSinceProcessStart(): number {
  const node = performance.now();
  if (process.platform !== "linux") return node;
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Field 2, the command name, may hold spaces and parentheses: count from the last ")".
    const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const uptimeMs = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
    const ms = uptimeMs - startTicks * 10;
    return Number.isFinite(ms) && ms > node && ms < node + 1_000 ? ms : node;
  } catch {
    return node;
  }
}
