#!/usr/bin/env node
// The entry point and the only place that ends the process. Anything unexpected becomes a
// one-line, redacted message and exit 3, never a stack trace (set HERMES_DOCTOR_DEBUG=1 for one).
//
// Start-up cost is paid per run, so this file imports node builtins only: ES static imports are
// all evaluated before the first line runs, and `--version` must not wait for commander or any of
// our modules. Everything else is loaded with import() once the fast path is ruled out.
import { readFileSync, writeSync } from "node:fs";
import type { IO } from "./io.js";
import type { ChecksFlags, Commands } from "./program.js";

/** The package's version: package.json is two folders up from the bundle (dist/bin/), three from tsc's dist/src/cli/. */
function toolVersion(): string {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "hermes-doctor") return pkg.version ?? "0.0.0";
    } catch {
      // not this one
    }
  }
  return "0.0.0";
}

/**
 * `checks` and `checks --json`, exactly, are what scripts and the bench run most; commander and the
 * flag parsers cost more than the listing itself (~45% of a bare node start without
 * NODE_EXTRA_CA_CERTS), so these two argument lists go straight to the command with the flags
 * program.ts would hand it. Any other argument list, --help or --plugin included, is parsed there.
 */
function plainChecksFlags(argv: readonly string[]): ChecksFlags | undefined {
  if (argv[0] !== "checks" || argv.length > 2) return undefined;
  if (argv.length === 1) return { format: "text" };
  return argv[1] === "--json" ? { format: "json", json: true } : undefined;
}

export async function main(argv: string[], io: IO): Promise<number> {
  const version = toolVersion();
  try {
    const commands: Commands = {
      xai: async (flags, io2) => (await import("./run-xai.js")).runXai(flags, io2, version),
      checks: async (flags, io2) => (await import("./list-checks.js")).listChecks(flags, io2),
      schema: async (name, io2) => (await import("./print-schema.js")).printSchema(name, io2),
      triage: async (files, flags, io2) => (await import("./run-triage.js")).runTriage(files, flags, io2, version),
      demo: async (scenario, flags, io2) => (await import("./run-demo.js")).runDemo(scenario, flags, io2, version),
    };
    const checksFlags = plainChecksFlags(argv);
    if (checksFlags) return await commands.checks(checksFlags, io);
    const { runProgram } = await import("./program.js");
    return await runProgram(argv, io, commands, version);
  } catch (err) {
    // Loaded only on a crash; redacts with every secret the run knew (src/cli/crash.ts).
    return (await import("./crash.js")).reportCrash(err, io);
  }
}

/**
 * SIGINT/SIGTERM exit 130/143 (128 + signal number, as a shell reports them), but never in the
 * middle of saving a rotated refresh token: that is waited for (bounded), then we exit. A second
 * signal while waiting exits at once.
 */
function installSignalHandlers(io: IO, critical: typeof import("../engine/critical.js")): void {
  const { CRITICAL_WAIT_MS, criticalSectionsDone, inCriticalSection } = critical;
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

/**
 * Everything but --version. A function, not top-level await: the bin is bundled as CommonJS
 * (scripts/bundle.ts), which Node loads faster than an ES module graph.
 */
async function run(argv: string[]): Promise<void> {
  // undici parses HTTP with llhttp compiled to WebAssembly (lib/dispatcher/client-h1.js lazyllhttp).
  // V8's optimising tier-up of that module costs ~35 MiB and background CPU in a process that makes
  // a dozen requests; the baseline compiler alone is plenty. Set before any of our modules loads.
  (await import("node:v8")).setFlagsFromString("--liftoff-only");
  // The same module instance the checks use: a signal must see their critical sections.
  const [critical, { processIO }] = await Promise.all([import("../engine/critical.js"), import("./io.js")]);
  const io = processIO();
  installSignalHandlers(io, critical);
  const code = await main(argv, io);
  process.exitCode = code;
  // The report is out; a handle some library left open must not keep the doctor alive. The timer
  // is unref'd, so a normal run exits at once and stdout is never cut short; a save still in
  // progress (a check the runner stopped waiting for) is let finish first.
  setTimeout(() => void critical.criticalSectionsDone(critical.CRITICAL_WAIT_MS).then(() => process.exit(code)), 2_000).unref();
}

const argv = process.argv.slice(2);
if (argv[0] === "--version" || argv[0] === "-V") {
  // What commander prints for a leading --version/-V, whatever follows (program.ts sets
  // `.version(version, "-V, --version")`; it writes `${version}\n` and exits 0). Written straight
  // to fd 1: setting up process.stdout (a stream over a pipe) costs more than the rest of this path.
  const line = `${toolVersion()}\n`;
  try {
    writeSync(1, line);
  } catch (err) {
    // A non-blocking stdout that is full: let the stream wait for it. Anything else (EPIPE: the
    // reader is gone) leaves nobody to print to.
    if ((err as NodeJS.ErrnoException).code === "EAGAIN") process.stdout.write(line);
  }
} else {
  run(argv).catch((err: unknown) => {
    // Only reachable before main() takes over (it catches everything): no secret is known yet.
    process.stderr.write(`hermes-doctor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  });
}
