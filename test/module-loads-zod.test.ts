// The commands people run load none of the heavy packages (docs/performance.md: importing zod
// alone costs about the whole start-up budget of `xai --offline`). Proved, not timed: the built
// CLI runs with a module-load hook (test/helpers/module-trace.ts) that lists every module
// loaded. zod stays for `schema` and `npm run schema`, which the last case checks it still
// loads (so the hook is seen to work). Extend HEAVY as more packages leave the runtime path.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import type { CliRun } from "./helpers/cli.js";
import { traceModules } from "./helpers/module-trace.js";
import { loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";

/** Packages no runtime command may load (undici, yaml, chalk: test/module-loads.test.ts). */
const HEAVY = ["zod"];

const { emulator, sb } = useEmulatorAndSandbox();

/** Runs the CLI under the module trace and returns its run and the packages it loaded. */
async function packagesLoadedBy(args: string[], input?: string): Promise<{ run: CliRun; packages: Set<string> }> {
  const t = await traceModules(args, { env: { HOME: sb().userHome, TMPDIR: sb().dir }, ...(input !== undefined ? { input } : {}) });
  // The trace saw the CLI itself load: an empty list would prove nothing.
  expect(t.urls.some((u) => u.endsWith("/dist/bin/hermes-doctor.cjs")), t.urls.join("\n")).toBe(true);
  return { run: t.run, packages: new Set(HEAVY.filter((p) => t.loads(p))) };
}

const heavyIn = (packages: Set<string>) => HEAVY.filter((p) => packages.has(p));

async function validHome(): Promise<string> {
  const home = path.join(sb().userHome, ".hermes");
  await writeHermesHome(home, { auth: xaiAuthStore({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt") }) });
  return home;
}

describe("runtime commands load no heavy package", { timeout: 60_000 }, () => {
  it("xai --offline --json", async () => {
    const { run, packages } = await packagesLoadedBy(["xai", "--offline", "--json", "--home", await validHome()]);
    expect(JSON.parse(run.stdout).verdict.code, run.stderr).toBe("local_ok");
    expect(heavyIn(packages)).toEqual([]);
  });

  it("xai --offline with a malformed store (the shape checks run and report)", async () => {
    const home = path.join(sb().userHome, ".hermes");
    const store = xaiAuthStore({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt") }) as any;
    store.providers["xai-oauth"].tokens = "not an object";
    store.credential_pool = {};
    await writeHermesHome(home, { auth: store });
    const { run, packages } = await packagesLoadedBy(["xai", "--offline", "--json", "--home", home]);
    expect(JSON.parse(run.stdout).verdict.code, run.stderr).toBe("state_invalid");
    expect(heavyIn(packages)).toEqual([]);
  });

  it("xai online, against the emulator", async () => {
    await loginWith(emulator(), sb(), "healthy");
    const { run, packages } = await packagesLoadedBy(["xai", "--json", "--read-only", "--home", sb().hermes, "--issuer", emulator().issuer, "--api-base", emulator().apiBase]);
    expect(JSON.parse(run.stdout).verdict.code, run.stderr).toBe("healthy");
    expect(heavyIn(packages)).toEqual([]);
  });

  it("xai --all-profiles --offline --json", async () => {
    const { run, packages } = await packagesLoadedBy(["xai", "--all-profiles", "--offline", "--json", "--home", await validHome()]);
    expect(JSON.parse(run.stdout).allProfiles, run.stderr).toBe(true);
    expect(heavyIn(packages)).toEqual([]);
  });

  it("checks and checks --json", async () => {
    for (const args of [["checks"], ["checks", "--json"]]) {
      const { run, packages } = await packagesLoadedBy(args);
      expect(run.code, run.stderr).toBe(0);
      expect(heavyIn(packages)).toEqual([]);
    }
  });

  it("triage, text and JSON", async () => {
    const log = "HTTP 401 from https://api.x.ai/v1/chat/completions\n";
    for (const args of [["triage", "-"], ["triage", "--format", "json", "-"]]) {
      const { run, packages } = await packagesLoadedBy(args, log);
      expect(run.stdout.length, run.stderr).toBeGreaterThan(0);
      if (args.includes("json")) expect(JSON.parse(run.stdout).command).toBe("triage");
      expect(heavyIn(packages)).toEqual([]);
    }
  });

  it("demo", async () => {
    const { run, packages } = await packagesLoadedBy(["demo", "--format", "json"]);
    expect(JSON.parse(run.stdout).verdict.code, run.stderr).toBe("entitlement_denied");
    expect(heavyIn(packages)).toEqual([]);
  });

  it("schema report still builds from the zod models (and the hook sees zod load)", async () => {
    const { run, packages } = await packagesLoadedBy(["schema", "report"]);
    expect(JSON.parse(run.stdout).title, run.stderr).toBe("hermes-doctor report");
    expect(packages.has("zod")).toBe(true);
  });
});
