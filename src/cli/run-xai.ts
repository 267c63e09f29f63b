// `hermes-doctor xai`: flags -> library options, the library call, render, exit code.
import { diagnoseXai, type XaiOptions } from "../api/diagnose-xai.js";
import { diagnoseXaiAllProfiles, reportExitCode } from "../api/all-profiles.js";
import { loadPlugins } from "../api/plugins.js";
import type { Check } from "../engine/types.js";
import type { DoctorServices } from "../../checks/context.js";
import type { Report } from "../report/model.js";
import { ALL_PROFILES_FORMATS, renderAllProfiles, renderReport } from "../report/render.js";
import { UsageError } from "./options.js";
import { colorLevel, spinnerAllowed, type IO } from "./io.js";
import type { XaiFlags } from "./program.js";
import { startProgress } from "./spinner.js";
import { checkOutputTargets, writeOutputFile } from "./output-files.js";
import { publishToGithub } from "./github.js";
import { processSecrets } from "./crash.js";
import { runBudgetMs } from "./deadline.js";

export async function runXai(flags: XaiFlags, io: IO, toolVersion: string): Promise<number> {
  checkOutputTargets(flags.output ?? []);
  const extraChecks = await loadPlugins(flags.plugin ?? []);
  if (flags.allProfiles) return runAllProfiles(flags, io, toolVersion, extraChecks);
  const progress = await startProgress(spinnerAllowed(io.stderr, io.env, flags.format), io.stderr, "Checking the xAI login…");
  let report: Report;
  try {
    report = await diagnoseXai({
      ...libraryOptions(flags, io, toolVersion),
      profile: flags.profile,
      extraChecks,
      onCheckStart: (c) => progress.update(`Checking: ${c.title}…`),
    });
  } finally {
    progress.stop();
  }
  io.stdout.write(renderReport(report, flags.format, style(flags, io)));
  const code = exitCodeFor(report, Boolean(flags.strict));
  await writeOutputs(report, flags);
  await publishToGithub(report, code, io);
  return code;
}

/** The --output files, from the same report (one run, one inference probe); never coloured. */
async function writeOutputs(report: Report, flags: XaiFlags): Promise<void> {
  for (const t of flags.output ?? []) {
    try {
      await writeOutputFile(t.file, renderReport(report, t.format, { verbose: flags.verbose }));
    } catch (err) {
      throw new UsageError(`--output: writing ${t.file} failed (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
    }
  }
}

/** `--all-profiles`: one run over the root and every profile; exit 0 only when all are healthy. */
async function runAllProfiles(flags: XaiFlags, io: IO, toolVersion: string, extraChecks: readonly Check<DoctorServices, any>[]): Promise<number> {
  if (flags.profile !== undefined) throw new UsageError("--all-profiles and --profile contradict each other: pick one.");
  if (flags.output?.length) throw new UsageError("--output is not supported with --all-profiles yet: redirect stdout instead.");
  const format = ALL_PROFILES_FORMATS.find((f) => f === flags.format);
  if (!format) throw new UsageError(`--all-profiles prints ${ALL_PROFILES_FORMATS.join(", ")}; not ${flags.format}.`);
  const progress = await startProgress(spinnerAllowed(io.stderr, io.env, flags.format), io.stderr, "Checking the xAI login of every profile…");
  let all;
  try {
    all = await diagnoseXaiAllProfiles({
      ...libraryOptions(flags, io, toolVersion),
      extraChecks,
      strict: Boolean(flags.strict),
      onCheckStart: (c) => progress.update(`Checking: ${c.title}…`),
    });
  } finally {
    progress.stop();
  }
  io.stdout.write(renderAllProfiles(all, format, style(flags, io)));
  return all.exitCode;
}

function style(flags: XaiFlags, io: IO) {
  return { colorLevel: colorLevel(io.stdout, io.env, flags.color), verbose: flags.verbose, columns: io.stdout.columns };
}

/** The flags every xai run shares, as library options. */
function libraryOptions(flags: XaiFlags, io: IO, toolVersion: string): XaiOptions {
  return {
    home: flags.home,
    offline: flags.offline,
    readOnly: flags.readOnly,
    refresh: flags.refresh,
    model: flags.model,
    issuer: flags.issuer,
    apiBase: flags.apiBase,
    grokBase: flags.grokBase,
    caFile: flags.caFile,
    only: flags.only,
    skip: flags.skip,
    // --timeout bounds the whole process, start-up and exit included, so a script can rely on it.
    timeoutMs: runBudgetMs(flags.timeout),
    env: io.env,
    toolVersion,
    // Shared with the crash handler: an unexpected error is redacted with these too.
    secrets: processSecrets,
  };
}

/** The verdict's exit code; --strict turns a clean exit with warnings into 1. */
export const exitCodeFor = reportExitCode;
