// `hermes-doctor triage` through the built CLI: files, stdin, several inputs with a tally, exit
// codes, unreadable files, hostile files, doctor reports read back, and nothing written anywhere.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmod, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseJson, runCli } from "./helpers/cli.js";
import { sandbox, type Sandbox } from "./helpers/home.js";
import { TriageReportSchema } from "../src/triage/model.js";
import { loginWith, useEmulatorAndSandbox } from "./helpers/emulated.js";

const SEED =
  "⚠️ Non-retryable error (HTTP 403) ❌ Non-retryable error (HTTP 403): HTTP 403: Error code: 403 - {'code': 'The caller does not have permission to execute the specified operation', 'error': 'You have either run out of available resources or do not have an active Grok subscription. Manage your subscription at https://grok.com/?_s=usage or subscribe at https://grok.com/supergrok.'}";
const STALE = "HTTP 403: {\"code\":\"unauthenticated:bad-credentials\",\"error\":\"The OAuth2 access token could not be validated.\"}";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.cleanup();
});

async function put(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(sb.dir, name);
  await writeFile(p, content);
  return p;
}

/** Every entry under `dir` with its size and mtime: what "writes nothing" is checked against. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    const s = await stat(p);
    out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs}`);
  }
  return out.sort();
}

describe("hermes-doctor triage", () => {
  it("reads a file and prints the verdict, the matched line, the fix and what it cannot tell (exit 0)", async () => {
    const run = await runCli(["triage", await put("seed.txt", SEED)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[entitlement_denied\] \(confidence: high\)/);
    expect(run.stdout).toContain("do not have an active Grok subscription");
    expect(run.stdout).toContain("Signing in again: no, it will not help");
    expect(run.stdout).toContain("What this text cannot tell:");
    expect(run.stderr).toBe("");
  });

  it("gives one result per file plus a tally, and exits 1 when any input is unknown", async () => {
    const files = [await put("a.txt", SEED), await put("b.txt", STALE), await put("c.txt", "✓ xAI OAuth (logged in)\n")];
    const run = await runCli(["triage", "--json", ...files]);
    expect(run.code).toBe(1);
    const out = parseJson(run);
    expect(TriageReportSchema.parse(out)).toBeTruthy();
    expect(out.inputs.map((i: { name: string; verdict: { code: string } }) => [path.basename(i.name), i.verdict.code])).toEqual([
      ["a.txt", "entitlement_denied"],
      ["b.txt", "token_rejected"],
      ["c.txt", "unknown"],
    ]);
    expect(out.tally).toEqual({ entitlement_denied: 1, token_rejected: 1, unknown: 1 });
    const text = await runCli(["triage", ...files]);
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe("3 inputs: entitlement_denied 1 · token_rejected 1 · unknown 1");
    const md = await runCli(["triage", "--format", "markdown", ...files]);
    expect(md.code).toBe(1);
    expect(md.stdout.match(/^### hermes-doctor triage /gm)).toHaveLength(3);
  });

  it("reads stdin when no file is named, and for -", async () => {
    for (const args of [["triage", "--json"], ["triage", "--json", "-"]]) {
      const run = await runCli(args, { input: `${STALE}\n` });
      expect(run.code).toBe(0);
      expect(parseJson(run).inputs[0]).toMatchObject({ name: "-", bytes: STALE.length + 1, verdict: { code: "token_rejected", reloginHelps: true } });
    }
    const mixed = await runCli(["triage", "--json", await put("a.txt", SEED), "-"], { input: STALE });
    expect(parseJson(mixed).tally).toEqual({ entitlement_denied: 1, token_rejected: 1 });
  });

  it("an unreadable file is a one-line usage error naming it (exit 2), before any output", async () => {
    const good = await put("good.txt", SEED);
    const locked = await put("locked.txt", SEED);
    await chmod(locked, 0o000);
    await mkdir(path.join(sb.dir, "folder"));
    const cases: [string, RegExp][] = [
      [path.join(sb.dir, "missing.txt"), /cannot read .*missing\.txt: no such file/],
      [path.join(sb.dir, "folder"), /cannot read .*folder: it is a folder, not a file/],
    ];
    if (process.getuid?.() !== 0) cases.push([locked, /cannot read .*locked\.txt: permission denied/]);
    for (const [file, message] of cases) {
      const run = await runCli(["triage", good, file]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
    const usage = await runCli(["triage", "--format", "junit", good]);
    expect(usage.code).toBe(2);
    expect((await runCli(["triage", "-", "-"], { input: "" })).code).toBe(2);
  });

  it("never crashes on binary junk, NUL bytes, invalid UTF-8 or a 10 MB line", async () => {
    const junk = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
    const file = await put("junk.bin", Buffer.concat([junk, Buffer.from([0, 0, 0xff, 0xfe, 0x0a]), Buffer.alloc(10 * 1024 * 1024, 0x41), Buffer.from(`\n${STALE}\n`)]));
    const run = await runCli(["triage", "--json", file]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(parseJson(run).inputs[0].verdict.code).toBe("token_rejected");
  });

  it("writes nothing: the folder of its inputs and its working folder are unchanged", async () => {
    const files = [await put("a.txt", SEED), await put("b.txt", STALE)];
    const before = await tree(sb.dir);
    for (const format of ["text", "json", "markdown"]) {
      const run = await runCli(["triage", "--format", format, ...files], { cwd: sb.dir, env: { HOME: sb.userHome } });
      expect(run.code).toBe(0);
    }
    expect(await tree(sb.dir)).toEqual(before);
  });
});

describe("triage reads a doctor report back", () => {
  const { emulator, sb: esb } = useEmulatorAndSandbox();

  async function reportFiles(args: string[], env: Record<string, string>): Promise<string[]> {
    const files: string[] = [];
    for (const [format, ext] of [["json", "json"], ["markdown", "md"]] as const) {
      const run = await runCli(["xai", "--format", format, "--home", esb().hermes, ...args], { env: { HOME: esb().userHome, ...env } });
      expect(run.stdout.length).toBeGreaterThan(0);
      const file = path.join(esb().dir, `report.${ext}`);
      await writeFile(file, run.stdout);
      files.push(file);
    }
    return files;
  }

  it("an offline report (not_logged_in) in JSON and Markdown", async () => {
    const files = await reportFiles(["--offline"], {});
    const run = await runCli(["triage", "--json", ...files]);
    expect(run.code).toBe(0);
    for (const input of parseJson(run).inputs) {
      expect(input.verdict).toEqual({ code: "not_logged_in", confidence: "high", reloginHelps: true });
      expect(input.findings.map((f: { signature: string }) => f.signature)).toContain("doctor-report");
    }
  });

  it("a live entitlement_denied report, in both formats", async () => {
    await loginWith(emulator(), esb(), "entitlement_denied");
    const files = await reportFiles(["--issuer", emulator().issuer, "--api-base", emulator().apiBase, "--read-only"], {});
    const run = await runCli(["triage", "--json", ...files]);
    expect(run.code).toBe(0);
    for (const input of parseJson(run).inputs) expect(input.verdict).toMatchObject({ code: "entitlement_denied", confidence: "high", reloginHelps: false });
  });

  it("a report that reached no verdict (local_ok) is unknown, and says what it shows", async () => {
    await loginWith(emulator(), esb(), "entitlement_denied");
    const files = await reportFiles(["--offline"], {});
    const run = await runCli(["triage", "--json", files[0]!]);
    expect(run.code).toBe(1);
    const input = parseJson(run).inputs[0];
    expect(input.verdict.code).toBe("unknown");
    expect(input.explanation).toContain("`local_ok`");
  });
});
