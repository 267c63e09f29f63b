// Under GitHub Actions (GITHUB_ACTIONS=true) and nowhere else: annotations for the verdict and the
// failing/warning checks, the Markdown report in the job summary, verdict and exit code as step
// outputs. Annotations go to stderr, which the runner reads like stdout, so --json stays clean.
import { appendFile } from "node:fs/promises";
import { renderGithubAnnotations, renderGithubOutputs } from "../report/github.js";
import { renderMarkdown } from "../report/markdown.js";
import type { Report } from "../report/model.js";
import type { IO } from "./io.js";

export const inGithubActions = (env: IO["env"]) => env.GITHUB_ACTIONS === "true";

export async function publishToGithub(report: Report, exitCode: number, io: IO): Promise<void> {
  if (!inGithubActions(io.env)) return;
  io.stderr.write(renderGithubAnnotations(report));
  const appendTo = async (name: string, file: string | undefined, text: string) => {
    if (!file) return;
    try {
      await appendFile(file, text);
    } catch (err) {
      io.stderr.write(`hermes-doctor: could not append to $${name} (${file}): ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    }
  };
  await appendTo("GITHUB_STEP_SUMMARY", io.env.GITHUB_STEP_SUMMARY, `${renderMarkdown(report)}\n`);
  await appendTo("GITHUB_OUTPUT", io.env.GITHUB_OUTPUT, renderGithubOutputs(report, exitCode));
}
