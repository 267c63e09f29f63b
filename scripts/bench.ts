// npm run bench: start-up time and peak memory of the built CLI, against targets.
// Timed by repeated runs (median and worst), never by timed tests. Exits 1 if a target is missed.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import { startEmulator } from "../fixtures/emulator/server.js";

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src/cli/main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// Reports the child's own peak RSS on exit, on a line of its own on stderr.
const RSS_HOOK = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBENCH_RSS_KB='+process.resourceUsage().maxRSS+'\\n'))";

interface Case { name: string; args: string[]; env?: Record<string, string>; medianMs: number; rssMb: number }

/** Async spawn: the emulator lives in this process and must keep answering. */
function runOnce(c: Case): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", RSS_HOOK, CLI, ...c.args], { env: { PATH: process.env.PATH ?? "", ...c.env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", () => resolve(stderr));
  });
}

async function measure(c: Case): Promise<{ median: number; worst: number; rssMb: number }> {
  const times: number[] = [];
  let rssKb = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const stderr = await runOnce(c);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const m = /BENCH_RSS_KB=(\d+)/.exec(stderr);
    if (m) rssKb = Math.max(rssKb, Number(m[1]));
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, worst: times.at(-1)!, rssMb: rssKb / 1024 };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), "hd-bench-"));
  const emulator = await startEmulator();
  try {
    const local = path.join(dir, "local");
    await writeHermesHome(local, { auth: xaiAuthStore({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt") }) });
    const account = emulator.createAccount("healthy");
    const online = path.join(dir, "online");
    await writeHermesHome(online, { auth: xaiAuthStore({ access_token: account.accessToken, refresh_token: account.refreshToken }, { tokenEndpoint: emulator.tokenEndpoint }) });
    const env = { HOME: dir };
    const cases: Case[] = [
      { name: "--version (cold start)", args: ["--version"], env, medianMs: 150, rssMb: 80 },
      // zod alone costs ~90 ms to import on Node 20 (stack-notes §2.3); the store checks need it.
      { name: "xai --offline --json", args: ["xai", "--offline", "--json", "--home", local], env, medianMs: 400, rssMb: 100 },
      { name: "xai --json (loopback emulator, full network path)", args: ["xai", "--json", "--read-only", "--home", online, "--issuer", emulator.issuer, "--api-base", emulator.apiBase], env, medianMs: 600, rssMb: 120 },
    ];
    let missed = 0;
    console.log(`hermes-doctor bench: ${RUNS} runs each, node ${process.version}\n`);
    console.log("case".padEnd(52), "median".padStart(9), "worst".padStart(9), "peak RSS".padStart(10), "  targets");
    for (const c of cases) {
      const r = await measure(c);
      const ok = r.median <= c.medianMs && r.rssMb <= c.rssMb;
      if (!ok) missed++;
      console.log(c.name.padEnd(52), `${r.median.toFixed(0)} ms`.padStart(9), `${r.worst.toFixed(0)} ms`.padStart(9), `${r.rssMb.toFixed(0)} MB`.padStart(10), `  ≤${c.medianMs} ms, ≤${c.rssMb} MB ${ok ? "✓" : "✗ MISSED"}`);
    }
    return missed ? 1 : 0;
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
