// "Read-only really is": under --read-only, --offline and CI the doctor leaves every file in the
// Hermes home exactly as it was (inode, mode, mtime, bytes), creates nothing (no auth.lock) and
// sends no refresh — even with an expired token and an interrupted save it would otherwise finish.
import { beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseJson } from "./helpers/cli.js";
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
