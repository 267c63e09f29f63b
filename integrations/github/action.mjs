#!/usr/bin/env node
// The script behind action.yml: one doctor run writing JSON, JUnit and Markdown, then the job's
// pass/fail decided by the `fail-on` input. The doctor itself (GITHUB_ACTIONS=true) writes the
// annotations, the job summary and the verdict / exit-code step outputs.
// Inputs arrive as INPUT_* variables (set in action.yml): COMMAND, HOME_DIR, PROFILE, ARGS, FAIL_ON, OUTPUT_DIR.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const env = process.env;
const input = (name) => (env[`INPUT_${name}`] ?? "").trim();
const words = (s) => s.split(/\s+/).filter(Boolean);

const command = words(input("COMMAND") || "npx --yes hermes-doctor");
const outDir = path.resolve(input("OUTPUT_DIR") || env.RUNNER_TEMP || ".", "hermes-doctor");
mkdirSync(outDir, { recursive: true });
const files = { json: path.join(outDir, "report.json"), junit: path.join(outDir, "report.xml"), markdown: path.join(outDir, "report.md") };

const args = [
  ...command.slice(1), "xai",
  ...(input("HOME_DIR") ? ["--home", input("HOME_DIR")] : []),
  ...(input("PROFILE") ? ["--profile", input("PROFILE")] : []),
  ...Object.entries(files).flatMap(([format, file]) => ["--output", `${format}=${file}`]),
  ...words(input("ARGS")),
];
const run = spawnSync(command[0], args, { stdio: "inherit", env: { ...env, GITHUB_ACTIONS: "true" } });
const exitCode = run.status ?? 3;
if (run.error) console.log(`::error title=hermes-doctor::could not start ${command[0]}: ${run.error.message}`);

let verdict = "";
try {
  verdict = JSON.parse(readFileSync(files.json, "utf8")).verdict?.code ?? "";
} catch {
  // no report: the doctor failed before writing one (usage error or crash); exitCode says which
}
if (env.GITHUB_OUTPUT) {
  appendFileSync(env.GITHUB_OUTPUT, `json=${files.json}\njunit=${files.junit}\nmarkdown=${files.markdown}\n`);
  // The doctor writes verdict/exit-code itself; only when it could not, say so here.
  if (!verdict) appendFileSync(env.GITHUB_OUTPUT, `verdict=\nexit-code=${exitCode}\n`);
}

// fail-on: "any" (every verdict that is not ok: exit code ≠ 0), "none", or a comma list of verdict codes.
const failOn = (input("FAIL_ON") || "any").toLowerCase();
const fails = failOn === "none" ? false
  : failOn === "any" ? exitCode !== 0
  : !verdict || failOn.split(",").map((s) => s.trim()).includes(verdict);
if (fails) console.log(`hermes-doctor: verdict ${verdict || "(none)"}, exit ${exitCode}: failing the job (fail-on: ${failOn}).`);
process.exit(fails ? 1 : 0);
