// Colour and spinner decisions, and the real thing under a pseudo-terminal: ora loops forever on
// a TTY that reports 0 columns, so the doctor must finish there too.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { colorLevel, spinnerAllowed } from "../src/cli/io.js";
import { CLI } from "./helpers/cli.js";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken } from "../fixtures/tokens.js";

const tty = { write: () => true, isTTY: true, columns: 80 };
const pipe = { write: () => true };

describe("colour is decided once, by us", () => {
  it.each([
    ["piped", pipe, {}, true, 0],
    ["a terminal", tty, {}, true, 1],
    ["a 256-colour terminal", tty, { TERM: "xterm-256color" }, true, 2],
    ["NO_COLOR on a terminal (chalk alone ignores it)", tty, { NO_COLOR: "1" }, true, 0],
    ["empty NO_COLOR does not count", tty, { NO_COLOR: "" }, true, 1],
    ["--no-color beats FORCE_COLOR", tty, { FORCE_COLOR: "1" }, false, 0],
    ["FORCE_COLOR when piped", pipe, { FORCE_COLOR: "1" }, true, 1],
    ["FORCE_COLOR=0 on a terminal", tty, { FORCE_COLOR: "0" }, true, 0],
    ["TERM=dumb", tty, { TERM: "dumb" }, true, 0],
  ] as const)("%s", (_name, stream, env, flag, level) => {
    expect(colorLevel(stream, env, flag)).toBe(level);
  });
});

describe("the spinner only where it is safe", () => {
  it.each([
    ["a real terminal, text format", tty, {}, "text", true],
    ["JSON output", tty, {}, "json", false],
    ["piped", pipe, {}, "text", false],
    ["a 0-column TTY", { ...tty, columns: 0 }, {}, "text", false],
    ["CI=true", tty, { CI: "true" }, "text", false],
    ["CI=false", tty, { CI: "false" }, "text", true],
  ] as const)("%s", (_name, stream, env, format, allowed) => {
    expect(spinnerAllowed(stream, env, format)).toBe(allowed);
  });
});

const hasScript = existsSync("/usr/bin/script");

describe.skipIf(!hasScript)("under a real pseudo-terminal (script)", () => {
  async function inPty(shell: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "hd-pty-"));
    try {
      await writeHermesHome(path.join(dir, "h"), { auth: xaiAuthStore({ access_token: makeAccessToken(), refresh_token: "rt-0123456789abcdef" }) });
      const cmd = shell.replace("DOCTOR", `${process.execPath} ${CLI} xai --offline --home ${path.join(dir, "h")}`);
      const { stdout } = await promisify(execFile)("script", ["-qec", cmd, "/dev/null"], { timeout: 15_000, env: { PATH: process.env.PATH ?? "", HOME: dir, TERM: "xterm" } });
      return stdout;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("finishes on a TTY with 0 columns (no spinner), in colour", async () => {
    const out = await inPty("stty cols 0; DOCTOR");
    expect(out).toContain("[local_ok]");
    expect(out).toMatch(/\u001b\[32m✓/);
  });

  it("finishes with the spinner on a TTY with columns", async () => {
    const out = await inPty("stty cols 100 rows 40; DOCTOR");
    expect(out).toContain("[local_ok]");
  });
});
