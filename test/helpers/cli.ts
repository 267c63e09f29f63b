// Spawns the built CLI exactly as a user would (node dist/bin/hermes-doctor.cjs ..., the package's bin).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(ROOT, "dist/bin/hermes-doctor.cjs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Runs the CLI with a clean environment: only PATH plus what the test passes, so the
 * developer's own HERMES_HOME, proxies or CI variables never leak into a test.
 */
type CliOptions = { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string; wrap?: string[]; input?: string | Buffer };

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  return startCli(args, opts).done;
}

/** Like runCli, but hands back the child too, for tests that signal or kill it mid-run. */
export function startCli(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: opts.env?.HOME ?? "/nonexistent-home" };
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  const t0 = Date.now();
  // `wrap` runs the CLI under another program (e.g. setpriv, to drop root's privileges).
  const [cmd, ...pre] = [...(opts.wrap ?? []), process.execPath, CLI];
  const child = spawn(cmd!, [...pre, ...args], { env, cwd: opts.cwd ?? ROOT, stdio: [opts.input !== undefined ? "pipe" : "ignore", "pipe", "pipe"] });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  const done = new Promise<CliRun>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, durationMs: Date.now() - t0 });
    });
  });
  return { child, done };
}

/** Parses --json output, failing loudly with the raw text when it is not JSON. */
export function parseJson(run: CliRun): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  }
}
