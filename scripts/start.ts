// `npm start`: the README's main-job command. With a Hermes login on this machine it runs
// `hermes-doctor xai` on it; without one, the default demo against the local xAI emulator. It
// says first which of the two it runs, then hands over the terminal and the exit code.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { resolveHermesHome, tildePath } from "../src/hermes/home.js";

const CLI = fileURLToPath(new URL("../bin/hermes-doctor.cjs", import.meta.url));

const userHome = os.homedir();
const home = await resolveHermesHome({ env: process.env, platform: process.platform, userHome });
// A login lives in the home's auth.json, or in the root's for a profile (Hermes' fallback).
const store = home.ok ? [home.authPath, home.rootAuthPath].find((p) => existsSync(p)) : undefined;
const show = (p: string) => tildePath(p, userHome, process.platform);

let args: string[];
if (store) {
  process.stderr.write(`npm start: found a Hermes login at ${show(store)}: running \`hermes-doctor xai\` on this machine's login.\n\n`);
  args = ["xai", ...process.argv.slice(2)];
} else {
  const where = home.ok ? show(home.authPath) : "the Hermes home";
  process.stderr.write(`npm start: no Hermes login on this machine (no ${where}): running the DEMO instead, \`hermes-doctor demo\` against a local xAI emulator (nothing is sent to real xAI).\n\n`);
  args = ["demo", ...process.argv.slice(2)];
}
const child = spawn(process.execPath, [CLI, ...args], { stdio: "inherit" });
// Ctrl-C reaches the child through the terminal; the doctor cleans up and exits on its own.
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => {});
child.on("close", (code, signal) => {
  process.exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
});
