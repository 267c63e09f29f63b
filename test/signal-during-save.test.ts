// Ctrl-C or SIGTERM while a rotated refresh token is being saved (issue 6, defect 5): the doctor
// finishes the save first, says so, then exits 130 / 143; the login is not lost. The save is held
// at its rename by a preload (test/helpers/held-save-preload.mjs) until the test releases it, so
// the signal lands inside the critical section every time, whatever the machine's load.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseJson } from "./helpers/cli.js";
import { doctorAgainst, loginWith, startDoctorAgainst, tokenRequests, useEmulatorAndSandbox } from "./helpers/emulated.js";
import { waitUntil } from "./helpers/wait.js";

const PRELOAD = new URL("./helpers/held-save-preload.mjs", import.meta.url).href;
const { emulator, sb } = useEmulatorAndSandbox();

describe("a signal during the save of a rotated token", () => {
  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("%s waits for the save to land, then exits %i; the next run uses the saved grant", async (signal, exitCode) => {
    const { account, authPath } = await loginWith(emulator(), sb(), "healthy", { lifetimeSec: -600 });
    const hold = await mkdtemp(path.join(tmpdir(), "hd-hold-"));
    try {
      const { child, done } = startDoctorAgainst(emulator(), sb(), [], { NODE_OPTIONS: `--import ${PRELOAD}`, HD_TEST_HOLD_DIR: hold });
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      await waitUntil(() => existsSync(path.join(hold, "reached")), "the save to reach its rename");
      expect(tokenRequests(emulator())).toHaveLength(1); // xAI has rotated the grant: the old one is dead
      child.kill(signal);
      await waitUntil(() => stderr.includes("finishing the save first"), "the doctor to say it finishes the save");
      expect(child.exitCode).toBeNull(); // still saving, not gone
      await writeFile(path.join(hold, "release"), "");
      const run = await done;
      expect(run.code).toBe(exitCode);

      const stored = JSON.parse(await readFile(authPath, "utf8"));
      const saved = stored.providers["xai-oauth"].tokens.refresh_token;
      expect(saved).not.toBe(account.refreshToken); // the rotated grant landed
      expect((await readdir(path.dirname(authPath))).filter((f) => f.endsWith(".tmp"))).toEqual([]);

      // The saved grant is the live one: the next run refreshes with it, and xAI accepts it.
      const next = await doctorAgainst(emulator(), sb(), ["--refresh"]);
      expect(parseJson(next).verdict.code, next.stderr).toBe("healthy");
      expect(tokenRequests(emulator())).toHaveLength(2);
    } finally {
      await rm(hold, { recursive: true, force: true });
    }
  }, 60_000);
});
