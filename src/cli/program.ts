// Flag binding only: commander turns argv into typed options and hands them to a command
// function that returns an exit code. Nothing here decides a verdict.
import { Command, CommanderError, Option } from "commander";
import type { IO } from "./io.js";
import { DEFAULT_TIMEOUT_MS, FORMATS, parseIdList, parsePlugin, parseProfile, parseTimeout, UsageError, type Format } from "./options.js";
import { EXIT } from "../diagnosis/exit-codes.js";
import { OptionsError } from "../api/errors.js";
import { parseOutput, type OutputTarget } from "./output-files.js";
import { redactString } from "../report/redact.js";

export interface XaiFlags {
  home?: string;
  profile?: string;
  format: Format;
  json?: boolean;
  verbose?: boolean;
  color: boolean;
  strict?: boolean;
  offline?: boolean;
  readOnly?: boolean;
  refresh?: boolean;
  model?: string;
  issuer?: string;
  apiBase?: string;
  grokBase?: string;
  caFile?: string;
  only?: string[];
  skip?: string[];
  timeout: number;
  output?: OutputTarget[];
  plugin?: string[];
  allProfiles?: boolean;
}

export interface ChecksFlags {
  format: Format;
  json?: boolean;
  plugin?: string[];
}

export interface TriageFlags {
  format: "text" | "json" | "markdown";
  json?: boolean;
}

export interface DemoFlags {
  format: Format;
  json?: boolean;
  verbose?: boolean;
  color: boolean;
  list?: boolean;
  all?: boolean;
  timeout: number;
}

/** The demo's deadline per scenario: the emulator is local, so a hang scenario need not take 30 s. */
export const DEMO_TIMEOUT_MS = 10_000;

export interface Commands {
  xai(flags: XaiFlags, io: IO): Promise<number>;
  checks(flags: ChecksFlags, io: IO): Promise<number>;
  schema(name: string, io: IO): Promise<number>;
  triage(files: string[], flags: TriageFlags, io: IO): Promise<number>;
  demo(scenario: string | undefined, flags: DemoFlags, io: IO): Promise<number>;
}

const EXIT_HELP = `
Exit codes (the same in every format):
  0   healthy, local_ok (offline run, nothing wrong locally), or selected_ok (--only run, selected checks passed)
  1   unverified (no verdict could be reached), or any warning under --strict
  2   usage error
  3   the doctor itself failed
  10  not_logged_in, store_unreadable, store_corrupt, state_invalid
  11  session_quarantined, session_revoked, token_rejected
  12  entitlement_denied, spending_limit, usage_exhausted, model_unavailable
  13  network_unreachable, tls_untrusted, clock_skew
  14  rate_limited, upstream_unavailable, answer_incomplete, timed_out

Verdicts and fixes: docs/verdicts.md. JSON schema: docs/report.schema.json (or: hermes-doctor schema report).`;

export function buildProgram(io: IO, commands: Commands, version: string): Command {
  const program = new Command("hermes-doctor");
  // Set before .command() so subcommands inherit them.
  program
    .description("A doctor for Hermes Agent logins. First target: the xAI (Grok) OAuth login.")
    .version(version, "-V, --version")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // commander quotes the offending argument, which may be a URL with a token in its query, or
      // an option we do not have given a secret (`--token=…`): its value is never echoed.
      writeErr: (s) => io.stderr.write(redactString(s.replace(/(unknown option '[^'=\s]+=)[^']*'/, "$1[redacted]'"), [])),
    });

  program
    .command("xai")
    .description("Diagnose the xAI (Grok) OAuth login Hermes uses: store, token, network, refresh, and a real request.")
    .option("--home <dir>", "Hermes root folder (default: $HERMES_HOME, else ~/.hermes)")
    .option("--profile <name>", "use the Hermes profile <root>/profiles/<name>", parseProfile)
    .addOption(new Option("--format <format>", "output format: text for people, json for machines, junit for CI dashboards, markdown for issue reports").choices(FORMATS).default("text"))
    .option("--output <format=file>", "also write the report in this format to a file (repeatable; one run, e.g. --output json=doctor.json --output junit=doctor.xml)", parseOutput)
    .option("--json", "same as --format json")
    .option("-v, --verbose", "show every check's details and timings")
    .option("--no-color", "never colour the output (NO_COLOR is honoured too)")
    .option("--strict", "exit 1 when any check warns, even if the verdict is healthy")
    .option("--offline", "local checks only: nothing is sent over the network")
    .option("--read-only", "never refresh a token and never write auth.json (implied when CI is set)")
    .option("--refresh", "refresh the token even if it is still fresh (rotates the single-use refresh token and saves it)")
    .option("--model <id>", "model for the inference probe (default: the one Hermes will use)")
    .option("--issuer <url>", "xAI OAuth issuer (default https://auth.x.ai; env HERMES_DOCTOR_ISSUER)")
    .option("--api-base <url>", "xAI API base URL (default https://api.x.ai/v1; env HERMES_DOCTOR_API_BASE)")
    .option("--grok-base <url>", "subscription host for the account facts (default https://cli-chat-proxy.grok.com/v1; env HERMES_DOCTOR_GROK_BASE)")
    .option("--ca-file <pem>", "extra CA certificate(s) to trust, e.g. a TLS-intercepting proxy's")
    .option("--only <ids>", "run only these checks (comma-separated; their dependencies run too)", parseIdList)
    .option("--skip <ids>", "do not run these checks (comma-separated)", parseIdList)
    .option("--timeout <ms>", "deadline for the whole run, in milliseconds", parseTimeout, DEFAULT_TIMEOUT_MS)
    .option("--plugin <module>", "also run the checks a module exports (a path or a package name; repeatable; docs/plugins.md)", parsePlugin)
    .option("--all-profiles", "diagnose the root and every profile of the Hermes root in one run (text, json or markdown)")
    .addHelpText("after", EXIT_HELP)
    .action(async (flags: XaiFlags) => {
      if (flags.json) flags.format = "json";
      program.setOptionValue("exitCode", await commands.xai(flags, io));
    });

  program
    .command("checks")
    .description("List every check: id, layer, dependencies and what it verifies.")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--json", "same as --format json")
    .option("--plugin <module>", "also list the checks a module exports (repeatable)", parsePlugin)
    .action(async (flags: ChecksFlags) => {
      if (flags.json) flags.format = "json";
      program.setOptionValue("exitCode", await commands.checks(flags, io));
    });

  program
    .command("schema")
    .description("Print the JSON Schema of a machine output: report (xai --json), checks (checks --json).")
    .argument("[name]", "which schema", "report")
    .action(async (name: string) => {
      program.setOptionValue("exitCode", await commands.schema(name, io));
    });

  program
    .command("triage")
    .description("Say what pasted text proves: Hermes errors, xAI answers, logs, `hermes debug share` dumps or a doctor report. Reads each FILE, or stdin when none (or -).")
    .argument("[files...]", "files to read (- or nothing: stdin)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("--json", "same as --format json")
    .addHelpText("after", "\nExit codes: 0 every input recognised, 1 any input unknown, 2 usage error or unreadable file. See docs/triage.md.")
    .action(async (files: string[], flags: TriageFlags) => {
      if (flags.json) flags.format = "json";
      program.setOptionValue("exitCode", await commands.triage(files, flags, io));
    });

  program
    .command("demo")
    .description("See the doctor work without an xAI account: the real `xai` diagnosis against a local xAI emulator and a throw-away Hermes home (both removed afterwards). Nothing is sent to real xAI.")
    .argument("[scenario]", "emulator scenario (default entitlement_denied: logged in, inference refused for the subscription tier, an XAI_API_KEY on offer); see --list")
    .option("--list", "list every scenario with the verdict the doctor reaches for it")
    .option("--all", "run every scenario, one line each: scenario, verdict, exit code, time")
    .addOption(new Option("--format <format>", "output format, as for `xai` (--list and --all: text, json or markdown)").choices(FORMATS).default("text"))
    .option("--json", "same as --format json")
    .option("-v, --verbose", "show every check's details and timings")
    .option("--no-color", "never colour the output (NO_COLOR is honoured too)")
    .option("--timeout <ms>", "deadline for each scenario's run, in milliseconds", parseTimeout, DEMO_TIMEOUT_MS)
    .addHelpText("after", `
Exit code: the scenario's verdict exit code, exactly as \`hermes-doctor xai\` would exit for it
(e.g. 12 for the default entitlement_denied; see \`hermes-doctor xai --help\`). --list exits 0;
--all exits 0 when every scenario reached its listed verdict, else 1. 2 is a usage error.`)
    .action(async (scenario: string | undefined, flags: DemoFlags) => {
      if (flags.json) flags.format = "json";
      program.setOptionValue("exitCode", await commands.demo(scenario, flags, io));
    });

  return program;
}

/** Parses argv and runs the command; returns the process exit code. Never throws. */
export async function runProgram(argv: string[], io: IO, commands: Commands, version: string): Promise<number> {
  const program = buildProgram(io, commands, version);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return (program.getOptionValue("exitCode") as number | undefined) ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; commander has already printed.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof OptionsError) {
      io.stderr.write(`hermes-doctor: ${redactString(err.message, [])}
`);
      return EXIT.usage;
    }
    throw err;
  }
}
