// `hermes-doctor demo [SCENARIO]`: the real `xai` diagnosis (diagnoseXai + renderReport) against
// the loopback xAI emulator and a throw-away Hermes home, which are removed at the end, on an
// error and on Ctrl-C. Nothing here is a recording: every line comes from a live run.
import { diagnoseXai } from "../api/diagnose-xai.js";
import { isScenario, SCENARIOS } from "../../fixtures/emulator/server.js";
import { DEFAULT_DEMO_SCENARIO, demoScenario, demoScenarios, type DemoScenario } from "../demo/scenarios.js";
import { openDemo, type DemoSession } from "../demo/session.js";
import { EXIT, VERDICTS } from "../diagnosis/verdicts.js";
import type { Report } from "../report/model.js";
import { renderReport } from "../report/render.js";
import { colorLevel, spinnerAllowed, type IO } from "./io.js";
import { UsageError } from "./options.js";
import type { DemoFlags } from "./program.js";
import { startProgress } from "./spinner.js";
import { processSecrets } from "./crash.js";
import { runBudgetMs } from "./deadline.js";

/** One scenario's outcome, as --all and --list show it. */
interface Outcome {
  scenario: string;
  verdict: string;
  exitCode: number;
  durationMs: number;
  /** The verdict declared for the scenario (src/demo/scenarios.ts), when there is one. */
  expected?: string;
}

const ALL_CONCURRENCY = 4;

export async function runDemo(arg: string | undefined, flags: DemoFlags, io: IO, toolVersion: string): Promise<number> {
  if (arg !== undefined && !isScenario(arg)) {
    throw new UsageError(`unknown demo scenario "${arg}" (one of: ${SCENARIOS.join(", ")}; hermes-doctor demo --list says what each shows)`);
  }
  if ((flags.list || flags.all) && arg !== undefined) throw new UsageError(`--${flags.list ? "list" : "all"} takes no scenario name`);
  if (flags.list && flags.all) throw new UsageError("--list and --all: pick one");
  if ((flags.list || flags.all) && flags.format === "junit") throw new UsageError(`--${flags.list ? "list" : "all"} prints one line per scenario: use --format text, json or markdown`);

  const sessions = new Set<DemoSession>();
  const stopOnSignal = cleanupOnSignal(sessions, io);
  try {
    if (flags.list) return await list(flags, io, toolVersion, sessions);
    if (flags.all) return await all(flags, io, toolVersion, sessions);
    return await one(demoScenario(arg ?? DEFAULT_DEMO_SCENARIO), flags, io, toolVersion, sessions);
  } finally {
    await Promise.allSettled([...sessions].map((s) => s.close()));
    stopOnSignal();
  }
}

/** Ctrl-C (or SIGTERM) mid-run: stop every emulator and remove every demo home, then exit. */
function cleanupOnSignal(sessions: Set<DemoSession>, io: IO): () => void {
  const handler = (signal: NodeJS.Signals) => {
    void Promise.allSettled([...sessions].map((s) => s.close())).then(() => {
      io.stderr.write(`\nhermes-doctor demo: ${signal}: emulator stopped and the demo Hermes home removed.\n`);
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

async function open(scenario: DemoScenario, io: IO, sessions: Set<DemoSession>): Promise<DemoSession> {
  const session = await openDemo(scenario, io.env);
  sessions.add(session);
  return session;
}

async function diagnose(session: DemoSession, timeoutMs: number, toolVersion: string, onCheckStart?: (c: { title: string }) => void): Promise<Report> {
  // The crash handler's registry: an unexpected error is redacted with the demo's tokens too.
  return diagnoseXai({ ...session.xaiOptions, timeoutMs, toolVersion, secrets: processSecrets, ...(onCheckStart ? { onCheckStart } : {}) });
}

/** Says plainly what this is, where a reader of this format will see it. */
async function banner(session: DemoSession, flags: DemoFlags, io: IO): Promise<void> {
  const s = session.scenario;
  const text =
    `DEMO: not your Hermes login. hermes-doctor is diagnosing a throw-away Hermes home (${session.home}) ` +
    `logged in to a local xAI emulator at ${session.origin}; nothing is sent to real xAI. ` +
    `Scenario ${s.name}: ${s.description}. Both are removed when the demo ends.`;
  if (flags.format === "text") {
    const level = colorLevel(io.stdout, io.env, flags.color);
    // chalk only for colour: a plain run never loads it.
    io.stdout.write(`${level ? new (await import("chalk")).Chalk({ level }).bold.yellow(text) : text}\n\n`);
  } else if (flags.format === "markdown") {
    io.stdout.write(`> **${text}**\n\n`);
  } else {
    // JSON and JUnit own stdout; the notice goes to stderr.
    io.stderr.write(`${text}\n`);
  }
}

async function one(scenario: DemoScenario, flags: DemoFlags, io: IO, toolVersion: string, sessions: Set<DemoSession>): Promise<number> {
  const session = await open(scenario, io, sessions);
  await banner(session, flags, io);
  const progress = await startProgress(spinnerAllowed(io.stderr, io.env, flags.format), io.stderr, "Checking the demo xAI login…");
  let report: Report;
  try {
    // As for `xai`, the deadline bounds the whole process, start-up included.
    report = await diagnose(session, runBudgetMs(flags.timeout), toolVersion, (c) => progress.update(`Checking: ${c.title}…`));
  } finally {
    progress.stop();
  }
  io.stdout.write(renderReport(report, flags.format, { colorLevel: colorLevel(io.stdout, io.env, flags.color), verbose: flags.verbose }));
  return report.verdict.exitCode;
}

/** Runs scenarios a few at a time, each with its own emulator and home; results in input order. */
async function runMany(scenarios: DemoScenario[], flags: DemoFlags, io: IO, toolVersion: string, sessions: Set<DemoSession>, onDone?: (o: Outcome, i: number) => void): Promise<Outcome[]> {
  const results: Outcome[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const i = next++;
      const s = scenarios[i]!;
      const session = await open(s, io, sessions);
      const t0 = Date.now();
      try {
        const report = await diagnose(session, flags.timeout, toolVersion);
        results[i] = { scenario: s.name, verdict: report.verdict.code, exitCode: report.verdict.exitCode, durationMs: Date.now() - t0, ...(s.verdict ? { expected: s.verdict } : {}) };
      } finally {
        await session.close();
        sessions.delete(session);
      }
      onDone?.(results[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ALL_CONCURRENCY, scenarios.length) }, worker));
  return results;
}

const ALL_NOTICE = "DEMO: every scenario ran the real doctor against its own local xAI emulator and throw-away Hermes home (nothing sent to real xAI; all removed afterwards).";

async function all(flags: DemoFlags, io: IO, toolVersion: string, sessions: Set<DemoSession>): Promise<number> {
  const scenarios = demoScenarios();
  const width = Math.max(...scenarios.map((s) => s.name.length), "scenario".length);
  const row = (o: Outcome) => {
    const off = o.expected && o.expected !== o.verdict ? `  (listed: ${o.expected})` : "";
    return `${o.scenario.padEnd(width)}  ${o.verdict.padEnd(22)} ${String(o.exitCode).padStart(4)}  ${(o.durationMs / 1000).toFixed(1).padStart(5)} s${off}`;
  };
  // Text streams each line as soon as it and every line above it are done.
  let printed = 0;
  const done: (Outcome | undefined)[] = [];
  if (flags.format === "text") io.stdout.write(`${ALL_NOTICE}\n\n${"scenario".padEnd(width)}  ${"verdict".padEnd(22)} exit   time\n`);
  const results = await runMany(scenarios, flags, io, toolVersion, sessions, (o, i) => {
    if (flags.format !== "text") return;
    done[i] = o;
    while (done[printed]) io.stdout.write(`${row(done[printed++]!)}\n`);
  });
  const off = results.filter((o) => o.expected && o.expected !== o.verdict);
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify({ schemaVersion: 1, command: "demo", emulator: "local", results }, null, 2)}\n`);
  } else if (flags.format === "markdown") {
    const lines = [`> **${ALL_NOTICE}**`, "", "| scenario | verdict | exit | time |", "|---|---|---:|---:|"];
    for (const o of results) lines.push(`| ${o.scenario} | \`${o.verdict}\`${o.expected && o.expected !== o.verdict ? ` (listed: \`${o.expected}\`)` : ""} | ${o.exitCode} | ${(o.durationMs / 1000).toFixed(1)} s |`);
    io.stdout.write(`${lines.join("\n")}\n`);
  } else {
    io.stdout.write(`\n${results.length} scenarios; ${off.length ? `${off.length} did not reach the listed verdict: ${off.map((o) => o.scenario).join(", ")}` : "each reached its listed verdict"}.\n`);
  }
  return off.length ? EXIT.unverified : EXIT.ok;
}

async function list(flags: DemoFlags, io: IO, toolVersion: string, sessions: Set<DemoSession>): Promise<number> {
  const scenarios = demoScenarios();
  // A scenario the emulator has but this file does not declare yet is run, so its verdict is real.
  const undeclared = scenarios.filter((s) => !s.verdict);
  const observed = new Map((await runMany(undeclared, flags, io, toolVersion, sessions)).map((o) => [o.scenario, o.verdict]));
  const rows = scenarios.map((s) => {
    const verdict = s.verdict ?? observed.get(s.name)!;
    return { name: s.name, verdict, exitCode: VERDICTS[verdict as keyof typeof VERDICTS]?.exitCode ?? EXIT.unverified, description: s.description, default: s.name === DEFAULT_DEMO_SCENARIO };
  });
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify({ schemaVersion: 1, command: "demo", scenarios: rows }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (flags.format === "markdown") {
    const lines = ["| scenario | verdict | exit | what the local emulator does |", "|---|---|---:|---|"];
    for (const r of rows) lines.push(`| ${r.name}${r.default ? " (default)" : ""} | \`${r.verdict}\` | ${r.exitCode} | ${r.description} |`);
    io.stdout.write(`${lines.join("\n")}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...rows.map((r) => r.name.length + (r.default ? 2 : 0)));
  const lines = [
    "Demo scenarios: each runs the real doctor against a local xAI emulator (nothing is sent to real xAI).",
    "Run one with: hermes-doctor demo SCENARIO   (* = the default)",
    "",
    `${"scenario".padEnd(width)}  ${"verdict".padEnd(22)} exit  what the emulator does`,
    ...rows.map((r) => `${(r.name + (r.default ? " *" : "")).padEnd(width)}  ${r.verdict.padEnd(22)} ${String(r.exitCode).padStart(4)}  ${r.description}`),
  ];
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}
