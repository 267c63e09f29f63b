// Bad input never crashes, through the built CLI: every file the doctor reads, replaced by each
// kind of special file, gives a finding (or, for --ca-file, a one-line usage error), never exit 3,
// never a V8 abort, never a hang. "Never a hang" is a generous kill timer in runCli: a hung run comes
// back with code null and fails the test; nothing here sleeps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CLI, parseJson, runCli, type CliRun } from "./helpers/cli.js";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";

const KINDS = ["directory", "fifo", "dangling_symlink", "symlink_loop", "dev_zero", "unreadable", "50_mb"] as const;
type Kind = (typeof KINDS)[number];
const FILES = ["auth.json", "root auth.json", "config.yaml", ".env", "active_profile", "other profile's auth.json", "--ca-file"] as const;
type File = (typeof FILES)[number];

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const SETPRIV = "/usr/bin/setpriv";
// Root reads a mode-000 file anyway, so "unreadable" needs the CLI to run as another user.
// The unprivileged user must also reach the built CLI: a checkout under a private (0700) folder,
// e.g. a fresh clone in a mktemp -d, keeps nobody out of it.
const nobodyReachesCli = () => spawnSync(SETPRIV, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(CLI)}, 4)`]).status === 0;
const unreadableSkip = !isRoot ? undefined
  : !existsSync(SETPRIV) ? "running as root without setpriv: cannot drop privileges to make a file unreadable"
  : !nobodyReachesCli() ? "the checkout is not readable by an unprivileged user, so the CLI cannot run as one"
  : undefined;
const hangBound = 30_000; // far above a normal run (< 1 s); only a real hang reaches it

let base: string;
beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), "hd-hostile-"));
  await chmod(base, 0o755); // the unprivileged runs must reach their own case folder
});
afterAll(async () => { await rm(base, { recursive: true, force: true }); });

const healthy = () => xaiAuthStore({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt") });
const validText: Record<File, () => string> = {
  "auth.json": () => JSON.stringify(healthy()),
  "root auth.json": () => JSON.stringify(healthy()),
  "config.yaml": () => "model:\n  provider: xai-oauth\n",
  ".env": () => "SOME_SETTING=1\n",
  active_profile: () => "default\n",
  "other profile's auth.json": () => JSON.stringify(healthy()),
  "--ca-file": () => "not a certificate\n",
};

async function makeSpecial(target: string, kind: Kind, file: File): Promise<void> {
  switch (kind) {
    case "directory": return mkdir(target);
    case "fifo": execFileSync("mkfifo", [target]); return;
    case "dangling_symlink": return symlink(path.join(path.dirname(target), "does-not-exist"), target);
    case "symlink_loop": return symlink(target, target);
    case "dev_zero": return symlink("/dev/zero", target);
    case "unreadable":
      await writeFile(target, validText[file]());
      await chmod(target, 0o000);
      return;
    case "50_mb":
      await writeFile(target, "");
      return truncate(target, 50 * 1024 * 1024);
  }
}

/** A healthy Hermes root (plus a profile where the case needs one) with one file made special. */
async function setUp(file: File, kind: Kind): Promise<{ args: string[]; userHome: string; dir: string }> {
  const dir = await mkdtemp(path.join(base, "case-"));
  const userHome = path.join(dir, "home");
  const root = path.join(userHome, ".hermes");
  await writeHermesHome(root, { auth: file === "auth.json" ? undefined : healthy(), config: "model:\n  provider: xai-oauth\n" });
  const args = ["xai", "--offline", "--json", "--home", root];
  let target: string;
  if (file === "root auth.json") {
    await writeHermesHome(path.join(root, "profiles", "work"), { auth: healthy() });
    await rm(path.join(root, "auth.json"));
    target = path.join(root, "auth.json");
    args.push("--profile", "work");
  } else if (file === "other profile's auth.json") {
    await mkdir(path.join(root, "profiles", "other"), { recursive: true });
    target = path.join(root, "profiles", "other", "auth.json");
  } else if (file === "--ca-file") {
    target = path.join(dir, "ca.pem");
    args.push("--ca-file", target);
  } else {
    target = path.join(root, file);
    await rm(target, { force: true });
  }
  await makeSpecial(target, kind, file);
  if (kind === "unreadable" && isRoot) {
    // Everything belongs to nobody except the one file, which stays root's with mode 000.
    execFileSync("chown", ["-R", `${NOBODY}:${NOBODY}`, dir]);
    await chown(target, 0, 0);
    await chmod(dir, 0o755);
  }
  return { args, userHome, dir };
}

const check = (run: CliRun, id: string) => parseJson(run).checks.find((c: any) => c.id === id);

/** What each file must say for each kind. */
function expectFinding(file: File, kind: Kind, run: CliRun): void {
  if (file === "--ca-file") {
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^hermes-doctor: --ca-file: CA file .* (does not exist|is a directory|cannot be read|is 50\.0 MiB|contains no PEM)/);
    return;
  }
  const errno: Partial<Record<Kind, string>> = { directory: "EISDIR", fifo: "ENOTREG", symlink_loop: "ELOOP", dev_zero: "ENOTREG", unreadable: "EACCES" };
  switch (file) {
    case "auth.json": {
      const c = check(run, "store.file");
      if (kind === "dangling_symlink") expect(c).toMatchObject({ status: "fail", code: "not_logged_in", details: { danglingLink: expect.any(String) } });
      else if (kind === "50_mb") expect(c).toMatchObject({ status: "fail", code: "store_corrupt", details: { bytes: 50 * 1024 * 1024, limit: 16 * 1024 * 1024 } });
      else expect(c).toMatchObject({ status: "fail", code: "store_unreadable", details: { errno: errno[kind] } });
      expect(run.code).toBe(10);
      return;
    }
    case "root auth.json": {
      const c = check(run, "store.file");
      expect(c.status).toBe("pass"); // the profile's own store is fine
      if (kind === "dangling_symlink") expect(c.details.rootPresent).toBe(false);
      else expect(c.details.rootProblem).toMatch(kind === "50_mb" ? /too large/ : /unreadable/);
      return;
    }
    case "config.yaml": {
      const c = check(run, "config.provider");
      if (kind === "dangling_symlink") expect(c.details.config).toMatch(/symbolic link to a file that does not exist/);
      else expect(c).toMatchObject({ status: "warn", code: "config_unreadable" });
      if (kind === "50_mb") expect(c.summary).toContain("50.0 MiB");
      return;
    }
    case ".env": {
      const c = check(run, "config.provider");
      if (kind === "dangling_symlink") expect(c.details.env).toMatch(/symbolic link to a file that does not exist/);
      else expect(c).toMatchObject({ status: "warn", code: "env_unreadable" });
      return;
    }
    case "active_profile": {
      const c = check(run, "store.home");
      expect(c).toMatchObject({ status: "warn", code: "active_profile_invalid" });
      expect(c.summary).toContain("active_profile");
      return;
    }
    case "other profile's auth.json": {
      // token.forks skips a store it cannot read; the point is that it gets there and finishes.
      expect(["pass", "warn"]).toContain(check(run, "token.forks").status);
      expect(run.code).toBe(0);
      return;
    }
  }
}

describe.concurrent("special files for every file the doctor reads: a finding, never exit 3, never a hang", () => {
  for (const file of FILES) {
    for (const kind of KINDS) {
      const skip = kind === "unreadable" ? unreadableSkip : undefined;
      it.skipIf(!!skip)(`${file} as ${kind}${skip ? ` (skipped: ${skip})` : ""}`, async () => {
        const { args, userHome } = await setUp(file, kind);
        const wrap = kind === "unreadable" && isRoot ? [SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : undefined;
        const run = await runCli(args, { env: { HOME: userHome }, timeoutMs: hangBound, ...(wrap ? { wrap } : {}) });
        expect(run.code, `killed after ${hangBound} ms: the doctor hung`).not.toBeNull();
        expect(run.code).not.toBe(3);
        expect(run.stderr).not.toMatch(/internal error|FATAL|Aborted|at .*\.js:\d+/);
        expectFinding(file, kind, run);
      }, hangBound + 10_000);
    }
  }
});

describe("hostile config.yaml (defect: V8 aborted with SIGABRT inside config.provider)", () => {
  const hostile: [string, string][] = [
    ["[ x900 ]", `${"[".repeat(900)}${"]".repeat(900)}`],
    ["{ x10000 }", `${"{".repeat(10_000)}${"}".repeat(10_000)}`],
    ["- x1000", `${"- ".repeat(1000)}x\n`],
    ["staircase indentation x1000", Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " x\n"],
    ["a quote hiding [ x900", `a: "x\n${"[".repeat(900)}${"]".repeat(900)}\n`],
  ];
  it.each(hostile)("%s: a precise config_unreadable finding, the rest of the report intact", async (_name, text) => {
    const dir = await mkdtemp(path.join(base, "yaml-"));
    const root = await writeHermesHome(path.join(dir, ".hermes"), { auth: healthy(), config: text });
    const run = await runCli(["xai", "--offline", "--json", "--home", root], { env: { HOME: dir }, timeoutMs: hangBound });
    expect(run.code).toBe(0); // local_ok: the login itself is fine
    expect(run.stderr).toBe("");
    const c = check(run, "config.provider");
    expect(c).toMatchObject({ status: "warn", code: "config_unreadable" });
    expect(c.summary).toMatch(/nested more than 100 levels deep \(line \d+, column \d+\)/);
    // xai.credential reads config.yaml too (the pool strategy): it still answers.
    expect(check(run, "xai.credential").status).toBe("pass");
  }, hangBound + 10_000);

  it("alias doubling x40 (billion laughs): a precise config_unreadable finding, no hang, bounded memory", async () => {
    const dir = await mkdtemp(path.join(base, "yaml-"));
    const bomb = ["a0: &a0 [lol, lol]", ...Array.from({ length: 40 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`), "model:", "  provider: xai-oauth", ""].join("\n");
    const root = await writeHermesHome(path.join(dir, ".hermes"), { auth: healthy(), config: bomb });
    // 2^40 expanded nodes would need terabytes: a 64 MiB heap turns any expansion into an abort.
    const run = await runCli(["xai", "--offline", "--json", "--home", root], { env: { HOME: dir, NODE_OPTIONS: "--max-old-space-size=64" }, timeoutMs: hangBound });
    expect(run.code, `killed after ${hangBound} ms: the doctor hung`).not.toBeNull();
    expect(run.code, run.stderr).toBe(0); // local_ok: the login itself is fine
    expect(run.stderr).toBe("");
    const c = check(run, "config.provider");
    expect(c).toMatchObject({ status: "warn", code: "config_unreadable" });
    expect(c.summary).toContain("is not parsed: its aliases (*name) expand it past 1000 nodes, as an alias bomb does:");
    expect(check(run, "xai.credential").status).toBe("pass");
  }, hangBound + 10_000);

  it("a normal, moderately nested config is still parsed", async () => {
    const dir = await mkdtemp(path.join(base, "yaml-"));
    const nested = `model:\n  provider: xai-oauth\n  default: grok-4.6\nx: ${"[".repeat(40)}1${"]".repeat(40)}\n`;
    const root = await writeHermesHome(path.join(dir, ".hermes"), { auth: healthy(), config: nested });
    const run = await runCli(["xai", "--offline", "--json", "--home", root], { env: { HOME: dir } });
    expect(check(run, "config.provider")).toMatchObject({ status: "pass", details: { config: "read", model: "grok-4.6" } });
  });
});

describe("--home and oversized stores (defect: wrong or raw messages)", () => {
  it("--home pointing at a regular file says the home is not a folder", async () => {
    const file = path.join(base, "not-a-folder");
    await writeFile(file, "hello");
    const run = await runCli(["xai", "--offline", "--json", "--home", file], { env: { HOME: base } });
    const c = check(run, "store.home");
    expect(c).toMatchObject({ status: "fail", code: "store_unreadable" });
    expect(c.summary).toContain("is not a folder: it is a regular file");
    expect(c.summary).not.toContain("never saved a login");
    expect(parseJson(run).verdict.fixes[0].text).toContain("Point --home at the Hermes folder");
    expect(run.code).toBe(10);
  });

  it("a 10 GB sparse auth.json: a precise finding, no raw ERR_FS_FILE_TOO_LARGE, instant", async () => {
    const root = path.join(base, "sparse", ".hermes");
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, "auth.json"), "");
    await truncate(path.join(root, "auth.json"), 10 * 1024 ** 3);
    const run = await runCli(["xai", "--offline", "--json", "--home", root], { env: { HOME: base } });
    expect(run.stdout + run.stderr).not.toContain("ERR_FS_FILE_TOO_LARGE");
    expect(check(run, "store.file")).toMatchObject({ status: "fail", code: "store_corrupt" });
    expect(check(run, "store.file").summary).toContain("is 10.0 GiB, far larger than any Hermes auth store");
    expect(run.code).toBe(10);
  });
});

describe("URL queries and fragments are never echoed (defect: ?token=… in usage errors and details)", () => {
  it("a usage error about --issuer hides its query, fragment and userinfo", async () => {
    const run = await runCli(["xai", "--offline", "--issuer", "https://user:pw-canary@auth.example/?token=QUERY-CANARY#frag-canary"], { env: { HOME: base } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--issuer");
    for (const c of ["QUERY-CANARY", "frag-canary", "pw-canary"]) expect(run.stderr).not.toContain(c);
  });

  it("a stored token_endpoint with a query is shown without it in --verbose and JSON", async () => {
    const dir = await mkdtemp(path.join(base, "url-"));
    const store = xaiAuthStore({ access_token: makeAccessToken(), refresh_token: makeOpaqueToken("rt") }, { tokenEndpoint: "https://auth.x.ai/oauth2/token?secret=QUERY-CANARY#frag-canary" });
    const root = await writeHermesHome(path.join(dir, ".hermes"), { auth: store });
    for (const format of [["--json"], ["--verbose"]]) {
      const run = await runCli(["xai", "--offline", "--home", root, ...format], { env: { HOME: dir } });
      expect(run.stdout).toContain("https://auth.x.ai/oauth2/token?[redacted]");
      for (const c of ["QUERY-CANARY", "frag-canary"]) expect(run.stdout + run.stderr).not.toContain(c);
    }
  });
});
