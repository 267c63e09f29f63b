// "Read-only really is": under --read-only, --offline and CI the doctor leaves every file in the
// Hermes home exactly as it was (inode, mode, mtime, bytes), creates nothing (no auth.lock) and
// sends no refresh — even with an expired token and an interrupted save it would otherwise finish.
// `triage` and `demo` never touch the user's Hermes home at all.
import { beforeEach, describe, expect, it } from "vitest";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseJson, runCli } from "./helpers/cli.js";
import type { Sandbox } from "./helpers/home.js";
import { doctorAgainst, loginWith, tokenRequests, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { assertUnchanged, snapshotTree } from "./helpers/snapshot.js";
import type { Emulator } from "../fixtures/emulator/server.js";

const env = useEmulatorAndSandbox();
let emulator: Emulator;
let sb: Sandbox;
beforeEach(() => {
  emulator = env.emulator();
  sb = env.sb();
});

const MODES: [string, string[], Record<string, string>][] = [
  ["--read-only", ["--read-only"], {}],
  ["--offline", ["--offline"], {}],
  ["CI=true", [], { CI: "true" }],
];

describe.each(MODES)("%s", (_name, args, extraEnv) => {
  it("changes nothing in the Hermes home and creates no lock file", async () => {
    // Everything that would make a writing run write: an expired token (refresh due), a config,
    // and a stale temp file store.recover would delete.
    await loginWith(emulator, sb, "healthy", { lifetimeSec: -600, config: "model:\n  provider: xai-oauth\n" });
    await writeFile(path.join(sb.hermes, ".auth_0000aaaa1111.tmp"), "");
    const before = await snapshotTree(sb.hermes);
    const report = parseJson(await doctorAgainst(emulator, sb, args, extraEnv));
    expect(report.context.readOnly).toBe(true);
    expect(tokenRequests(emulator)).toHaveLength(0);
    await assertUnchanged(sb.hermes, before);
  });
});

describe("commands that never write the user's Hermes home", () => {
  /** An expired login and an interrupted save: everything that would make a writing run write. */
  async function tempting(): Promise<Record<string, string>> {
    await loginWith(emulator, sb, "healthy", { lifetimeSec: -600, config: "model:\n  provider: xai-oauth\n", env: "XAI_API_KEY=xai-0123456789abcdefghijklmnop\n" });
    await writeFile(path.join(sb.hermes, ".auth_0000aaaa1111.tmp"), "");
    return { HOME: sb.userHome, HERMES_HOME: sb.hermes };
  }

  it("triage (of the store itself, a file and stdin) changes nothing and creates no lock file", async () => {
    const env = await tempting();
    const paste = path.join(sb.dir, "paste.log");
    await writeFile(paste, "xAI token refresh failed: invalid_grant\n");
    const before = await snapshotTree(sb.userHome);
    const run = await runCli(["triage", "--json", path.join(sb.hermes, "auth.json"), paste, "-"], { env, input: "HTTP 403 do not have an active Grok subscription\n" });
    expect(run.code, run.stderr).not.toBeNull();
    expect(parseJson(run).inputs).toHaveLength(3);
    expect(emulator.requests).toHaveLength(0);
    await assertUnchanged(sb.userHome, before);
  });

  it("demo works in its own throw-away home: the user's is unchanged, no lock file, and its own is removed", async () => {
    const env = await tempting();
    const tmp = path.join(sb.dir, "tmp");
    await mkdir(tmp);
    const before = await snapshotTree(sb.userHome);
    // revoked: an expired token, so the demo refreshes (and writes) — in its own home.
    const run = await runCli(["demo", "revoked", "--json", "--timeout", "30000"], { env: { ...env, TMPDIR: tmp } });
    expect(run.code, run.stderr).toBe(11);
    expect(parseJson(run).context.home).not.toContain(sb.userHome);
    expect(emulator.requests).toHaveLength(0);
    await assertUnchanged(sb.userHome, before);
    expect(await readdir(tmp)).toEqual([]);
  });
});
