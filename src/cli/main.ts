#!/usr/bin/env node
// The entry point and the only place that ends the process. Anything unexpected becomes a
// one-line, redacted message and exit 3, never a stack trace (set HERMES_DOCTOR_DEBUG=1 for one).
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { processIO, type IO } from "./io.js";
import { runProgram } from "./program.js";
import { CRITICAL_WAIT_MS, criticalSectionsDone, inCriticalSection } from "../engine/critical.js";

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export async function main(argv: string[], io: IO): Promise<number> {
  const version = toolVersion();
  try {
    return await runProgram(argv, io, {
      xai: async (flags, io2) => (await import("./run-xai.js")).runXai(flags, io2, version),
      checks: async (flags, io2) => (await import("./list-checks.js")).listChecks(flags, io2),
      schema: async (name, io2) => (await import("./print-schema.js")).printSchema(name, io2),
      triage: async (files, flags, io2) => (await import("./run-triage.js")).runTriage(files, flags, io2, version),
      demo: async (scenario, flags, io2) => (await import("./run-demo.js")).runDemo(scenario, flags, io2, version),
    }, version);
  } catch (err) {
    // Loaded only on a crash; redacts with every secret the run knew (src/cli/crash.ts).
    return (await import("./crash.js")).reportCrash(err, io);
  }
}

// undici parses HTTP with llhttp compiled to WebAssembly (lib/dispatcher/client-h1.js lazyllhttp).
// V8's optimising tier-up of that module costs ~35 MiB and background CPU in a process that makes a
// dozen requests; the baseline compiler alone is plenty. Set before the first request compiles it.
setFlagsFromString("--liftoff-only");

/**
 * SIGINT/SIGTERM exit 130/143 (128 + signal number, as a shell reports them), but never in the
 * middle of saving a rotated refresh token: that is waited for (bounded), then we exit. A second
 * signal while waiting exits at once.
 */
function installSignalHandlers(io: IO): void {
  let stopping = false;
  const onSignal = (code: number) => (signal: NodeJS.Signals) => {
    // A command that cleans up after itself (demo: its emulator and throw-away home) handles it.
    if (!stopping && process.listenerCount(signal) > 1) return;
    if (stopping || !inCriticalSection()) process.exit(code);
    stopping = true;
    io.stderr.write("hermes-doctor: interrupted while saving a rotated token to auth.json; finishing the save first (press Ctrl-C again to stop now)\n");
    void criticalSectionsDone(CRITICAL_WAIT_MS).then(() => process.exit(code));
  };
  process.on("SIGINT", onSignal(130));
  process.on("SIGTERM", onSignal(143));
}

const io = processIO();
installSignalHandlers(io);
const code = await main(process.argv.slice(2), io);
process.exitCode = code;
// The report is out; a handle some library left open must not keep the doctor alive. The timer is
// unref'd, so a normal run exits at once and stdout is never cut short; a save still in progress
// (a check the runner stopped waiting for) is let finish first.
setTimeout(() => void criticalSectionsDone(CRITICAL_WAIT_MS).then(() => process.exit(code)), 2_000).unref();
