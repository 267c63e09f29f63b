// Spawning a command as a whole process and reading what a user feels: wall time, the time from
// the last byte of output to the process being gone, and peak RSS (reported by the child itself).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// The child reports its own peak RSS on exit, on a line of its own on stderr. Every measured
// process, the bare-node baseline included, gets the same hook, so ratios stay fair. A CommonJS
// preload (--require), not an ES one (--import): that would start Node's ES loader in every
// process, ~10% of a bare start, and hide what an ES-free bin saves.
const RSS_HOOK = path.join(mkdtempSync(path.join(os.tmpdir(), "hd-bench-hook-")), "rss.cjs");
writeFileSync(RSS_HOOK, "process.on('exit',()=>process.stderr.write('\\nBENCH_RSS_KB='+process.resourceUsage().maxRSS+'\\n'));\n");
process.on("exit", () => rmSync(path.dirname(RSS_HOOK), { recursive: true, force: true }));

export interface Sample {
  wallMs: number;
  /** From the last stdout/stderr byte (other than the RSS line) to the exit event. */
  tailMs: number;
  rssMb: number;
  code: number | null;
  stdout: string;
}

/** Runs `node --require hook ...args` once with exactly `env`, asynchronously. */
export function runNode(args: string[], env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let last = t0;
    let stdout = "";
    let stderr = "";
    const child = spawn(process.execPath, ["--require", RSS_HOOK, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => {
      stdout += d;
      last = performance.now();
    });
    child.stderr.on("data", (d) => {
      const text = String(d);
      stderr += text;
      if (!/^\s*BENCH_RSS_KB=\d+\s*$/.test(text)) last = performance.now();
    });
    child.on("error", reject);
    let exitAt = 0;
    child.on("exit", () => (exitAt = performance.now()));
    child.on("close", (code) => {
      const m = /BENCH_RSS_KB=(\d+)/.exec(stderr);
      resolve({ wallMs: (exitAt || performance.now()) - t0, tailMs: Math.max(0, (exitAt || performance.now()) - last), rssMb: m ? Number(m[1]) / 1024 : NaN, code, stdout });
    });
  });
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export function stats(values: number[]): Stats {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v.at(-1)! };
}
