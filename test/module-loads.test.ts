// What a command loads, through the built CLI: a path that sends nothing never loads undici, a
// missing config.yaml never loads the YAML parser, and only coloured text loads chalk. Each test
// has a positive control (the same trace seeing the package when it is needed), so an empty trace
// cannot pass. Module loads, never timings (the cost itself is measured by `npm run bench`).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import { parseJson } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { traceModules } from "./helpers/module-trace.js";

const tokens = () => ({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt") });

describe("offline and local commands", () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await sandbox();
  });
  afterEach(async () => {
    await sb.cleanup();
  });
  const xai = (args: string[], env: Record<string, string> = {}) => traceModules(["xai", "--home", sb.hermes, ...args], { env: { HOME: sb.userHome, ...env } });

  it("xai --offline --json without config.yaml loads neither undici, yaml nor chalk", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    const t = await xai(["--offline", "--json"], { FORCE_COLOR: "1" });
    expect(parseJson(t.run).verdict.code).toBe("local_ok");
    expect(t.loads("commander")).toBe(true); // the trace sees packages
    expect(t.loads("undici")).toBe(false);
    expect(t.loads("yaml")).toBe(false);
    expect(t.loads("chalk")).toBe(false);
  });

  it("an empty config.yaml needs no parser; one with something in it loads yaml", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()), config: "\n  \n" });
    const empty = await xai(["--offline", "--json"]);
    expect(parseJson(empty.run).checks.find((c: { id: string }) => c.id === "config.provider").status).toBe("pass");
    expect(empty.loads("yaml")).toBe(false);
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()), config: "model:\n  provider: xai-oauth\n" });
    const full = await xai(["--offline", "--json"]);
    expect(parseJson(full.run).verdict.code).toBe("local_ok");
    expect(full.loads("yaml")).toBe(true);
  });

  it("text loads chalk only when it is coloured; JUnit and Markdown never", async () => {
    await writeHermesHome(sb.hermes, { auth: xaiAuthStore(tokens()) });
    const plain = await xai(["--offline"]);
    expect(plain.run.stdout).toContain("hermes-doctor xai");
    expect(plain.run.stdout).not.toContain("\u001b[");
    expect(plain.loads("chalk")).toBe(false);
    for (const format of ["junit", "markdown"]) {
      const t = await xai(["--offline", "--format", format], { FORCE_COLOR: "1" });
      expect(t.run.code, format).toBe(0);
      expect(t.loads("chalk"), format).toBe(false);
    }
    const coloured = await xai(["--offline"], { FORCE_COLOR: "1" });
    expect(coloured.run.stdout).toContain("\u001b[");
    expect(coloured.loads("chalk")).toBe(true);
  });

  it("checks, schema and triage send nothing and load no undici", async () => {
    // `checks --format json`, not `checks --json`: that one skips commander, the positive control below.
    for (const args of [["checks", "--format", "json"], ["schema", "report"], ["triage", "--json", "/dev/null"]]) {
      const t = await traceModules(args, { env: { HOME: sb.userHome } });
      expect(t.run.stderr, args.join(" ")).toBe(""); // triage exits 1 for an unknown verdict
      expect(t.run.stdout, args.join(" ")).toMatch(/^\{/);
      expect(t.loads("commander"), args.join(" ")).toBe(true);
      expect(t.loads("undici"), args.join(" ")).toBe(false);
    }
  });
});

describe("an online run", () => {
  const { emulator, sb } = useEmulatorAndSandbox();

  it("loads the parts of undici the client uses, not its index (fetch, WebSocket, caches, mocks)", async () => {
    await loginWith(emulator(), sb(), "healthy");
    const t = await traceModules(["xai", "--json", "--home", sb().hermes, "--issuer", emulator().issuer, "--api-base", emulator().apiBase], { env: { HOME: sb().userHome } });
    expect(parseJson(t.run).verdict.code).toBe("healthy");
    expect(t.loadsFile("undici/lib/dispatcher/agent.js")).toBe(true);
    expect(t.loadsFile("undici/index.js")).toBe(false);
    expect(t.loadsFile("undici/lib/web/fetch/")).toBe(false);
  });
});
