// `hermes-doctor xai`: flags -> library options, the library call, render, exit code.
import { diagnoseXai } from "../api/diagnose-xai.js";
import { loadPlugins } from "../api/plugins.js";
import { EXIT } from "../diagnosis/verdicts.js";
import type { Report } from "../report/model.js";
import { renderReport } from "../report/render.js";
import { colorLevel, spinnerAllowed, type IO } from "./io.js";
import type { XaiFlags } from "./program.js";
import { startProgress } from "./spinner.js";
import { checkOutputTargets, writeOutputFile } from "./output-files.js";
import { publishToGithub } from "./github.js";
import { UsageError } from "./options.js";

export async function runXai(flags: XaiFlags, io: IO, toolVersion: string): Promise<number> {
  checkOutputTargets(flags.output ?? []);
  const extraChecks = await loadPlugins(flags.plugin ?? []);
  const progress = await startProgress(spinnerAllowed(io.stderr, io.env, flags.format), io.stderr, "Checking the xAI login…");
  let report: Report;
  try {
    report = await diagnoseXai({
      home: flags.home,
      profile: flags.profile,
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
      extraChecks,
      // --timeout bounds the whole process, start-up included, so a script can rely on it.
      timeoutMs: flags.timeout - Math.round(performance.now()),
      env: io.env,
      toolVersion,
      onCheckStart: (c) => progress.update(`Checking: ${c.title}…`),
    });
  } finally {
    progress.stop();
  }
  io.stdout.write(renderReport(report, flags.format, { colorLevel: colorLevel(io.stdout, io.env, flags.color), verbose: flags.verbose }));
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

/** The verdict's exit code; --strict turns a clean exit with warnings into 1. */
export function exitCodeFor(report: Report, strict: boolean): number {
  const code = report.verdict.exitCode;
  if (strict && code === EXIT.ok && report.counts.warn > 0) return EXIT.unverified;
  return code;
}
