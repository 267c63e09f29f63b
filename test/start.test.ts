// `npm start` (dist/scripts/start.js): the doctor on this machine's Hermes login when there is
// one, otherwise the default demo, and it says which of the two it ran.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { ROOT, type CliRun } from "./helpers/cli.js";

const { emulator, sb } = useEmulatorAndSandbox();

function start(env: Record<string, string>): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "dist/scripts/start.js")], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, durationMs: Date.now() - t0 }));
  });
}

describe("npm start", () => {
  it("without a Hermes login runs the default demo and says so", async () => {
    const run = await start({ HOME: sb().userHome, TMPDIR: sb().dir });
    expect(run.stderr).toContain("no Hermes login on this machine (no ~/.hermes/auth.json): running the DEMO instead");
    expect(run.stdout).toMatch(/^DEMO: not your Hermes login\./);
    expect(run.stdout).toContain("[entitlement_denied]");
    expect(run.code).toBe(12);
  });

  it("with a Hermes login runs `hermes-doctor xai` on it, not the demo", async () => {
    await loginWith(emulator(), sb(), "healthy");
    const run = await start({ HOME: sb().userHome, HERMES_DOCTOR_ISSUER: emulator().issuer, HERMES_DOCTOR_API_BASE: emulator().apiBase });
    expect(run.stderr).toContain("found a Hermes login at ~/.hermes/auth.json: running `hermes-doctor xai` on this machine's login");
    expect(run.stdout).not.toContain("DEMO");
    expect(run.stdout).toContain("[healthy]");
    expect(run.code).toBe(0);
  });
});
