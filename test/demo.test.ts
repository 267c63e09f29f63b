// `hermes-doctor demo`: the real doctor against the loopback emulator, through the built CLI.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SCENARIOS } from "../fixtures/emulator/server.js";
import { demoScenarios } from "../src/demo/scenarios.js";
import { CLI, parseJson, runCli } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

// TMPDIR inside the sandbox: what the demo leaves behind is exactly what is in this folder.
const demo = (args: string[], timeoutMs?: number) => runCli(["demo", ...args], { env: { HOME: sb.userHome, TMPDIR: sb.dir }, ...(timeoutMs ? { timeoutMs } : {}) });
const leftovers = async () => (await readdir(sb.dir)).filter((n) => n.startsWith("hermes-doctor-demo-"));
const refused = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect(port, "127.0.0.1");
  s.once("connect", () => { s.destroy(); resolve(false); });
  s.once("error", () => resolve(true));
});

describe("hermes-doctor demo", () => {
  it("runs the seed's case by default: login ok, entitlement denied, the working XAI_API_KEY offered; says it is a demo; cleans up", async () => {
    const run = await demo([]);
    expect(run.code).toBe(12);
    expect(run.stdout).toMatch(/^DEMO: not your Hermes login\..*local xAI emulator at http:\/\/127\.0\.0\.1:\d+; nothing is sent to real xAI/);
    expect(run.stdout).toContain("[entitlement_denied]");
    expect(run.stdout).toContain("login: ok · entitlement: denied");
    expect(run.stdout).toContain("Your XAI_API_KEY works: switch Hermes to the API-key provider");
    // Passing rows are collapsed in the text report; the verdict's fix names the working key.
    expect(run.stdout).toMatch(/Your XAI_API_KEY works/);
    expect(await leftovers()).toEqual([]);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(run.stdout)![1]);
    expect(await refused(port)).toBe(true);
  });

  it("renders the same report as xai in JSON, with the demo notice on stderr", async () => {
    const run = await demo(["healthy", "--json"]);
    expect(run.code).toBe(0);
    const report = parseJson(run);
    expect(report.command).toBe("xai");
    expect(report.verdict.code).toBe("healthy");
    expect(report.context.endpoints).toMatchObject({ overridden: true, apiBase: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/) });
    expect(run.stderr).toContain("nothing is sent to real xAI");
    expect(await leftovers()).toEqual([]);
  });

  it("exits with the scenario's verdict exit code, as xai would", async () => {
    const run = await demo(["revoked", "--format", "markdown"]);
    expect(run.code).toBe(11);
    expect(run.stdout).toMatch(/^> \*\*DEMO: /);
    expect(run.stdout).toContain("session_revoked");
  });

  it("--list names every emulator scenario with its verdict and exit code", async () => {
    const run = await demo(["--list", "--json"]);
    expect(run.code).toBe(0);
    const { scenarios } = parseJson(run);
    expect(scenarios.map((s: { name: string }) => s.name)).toEqual([...SCENARIOS]);
    expect(scenarios.find((s: { default: boolean }) => s.default)).toMatchObject({ name: "entitlement_denied", verdict: "entitlement_denied", exitCode: 12 });
    for (const s of scenarios) expect(s.verdict, s.name).toMatch(/^[a-z_]+$/);
    const text = await demo(["--list"]);
    for (const name of SCENARIOS) expect(text.stdout).toMatch(new RegExp(`^${name}( \\*)? +[a-z_]+ +\\d+  `, "m"));
  });

  it("--all runs every scenario and each reaches the verdict --list names", async () => {
    const run = await demo(["--all", "--json"], 120_000);
    const { results } = parseJson(run);
    expect(results.map((r: { scenario: string }) => r.scenario)).toEqual([...SCENARIOS]);
    for (const s of demoScenarios()) {
      const r = results.find((x: { scenario: string }) => x.scenario === s.name);
      if (s.verdict) expect(r.verdict, s.name).toBe(s.verdict);
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(run.code).toBe(0);
    expect(await leftovers()).toEqual([]);
  }, 130_000);

  it("Ctrl-C mid-run stops the emulator and removes the demo home", async () => {
    const child = spawn(process.execPath, [CLI, "demo", "hang", "--timeout", "120000"], { env: { PATH: process.env.PATH ?? "", HOME: sb.userHome, TMPDIR: sb.dir }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // The banner is printed once the emulator listens and the home is written.
    const port = await new Promise<number>((resolve) => {
      child.stdout.on("data", (d) => {
        stdout += d;
        const m = /127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
    });
    expect(await leftovers()).toHaveLength(1);
    const code = await new Promise<number | null>((resolve) => {
      child.on("close", resolve);
      child.kill("SIGINT");
    });
    expect(code).toBe(130);
    expect(stderr).toContain("emulator stopped and the demo Hermes home removed");
    expect(await leftovers()).toEqual([]);
    expect(await refused(port)).toBe(true);
  });

  it("an unknown scenario is a one-line usage error", async () => {
    const run = await demo(["no_such_scenario"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("hermes-doctor demo --list");
  });
});
