// `hermes-doctor triage [FILE...]`: opens the inputs, streams each through src/triage, prints one
// rendering. Every file is opened before anything is printed, so an unreadable one is a one-line
// usage error (exit 2) naming it. Triage only reads: nothing is written anywhere.
import { open, type FileHandle } from "node:fs/promises";
import type { IO } from "./io.js";
import type { TriageFlags } from "./program.js";
import { EXIT } from "../diagnosis/verdicts.js";
import { redactString } from "../report/redact.js";
import { buildTriageReport, triageStream } from "../triage/triage.js";
import { renderTriageJson, renderTriageMarkdown, renderTriageText } from "../triage/render.js";
import type { TriageInput } from "../triage/model.js";

const READ_CHUNK = 256 * 1024;

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a folder, not a file",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the name is too long",
};

function reason(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && REASONS[code]) return REASONS[code];
  return err instanceof Error ? err.message.split("\n")[0]! : String(err);
}

function unreadable(io: IO, name: string, err: unknown): number {
  io.stderr.write(`hermes-doctor: cannot read ${redactString(name, [])}: ${redactString(reason(err), [])}\n`);
  return EXIT.usage;
}

interface Source {
  name: string;
  fh?: FileHandle;
}

export async function runTriage(files: string[], flags: TriageFlags, io: IO, version: string): Promise<number> {
  const names = files.length ? files : ["-"];
  if (names.filter((n) => n === "-").length > 1) {
    io.stderr.write("hermes-doctor: stdin (-) can be read only once; name it a single time.\n");
    return EXIT.usage;
  }
  const sources: Source[] = [];
  const closeAll = () => Promise.all(sources.map((s) => s.fh?.close().catch(() => undefined)));
  for (const name of names) {
    if (name === "-") {
      sources.push({ name });
      continue;
    }
    try {
      const fh = await open(name, "r");
      sources.push({ name, fh });
      if ((await fh.stat()).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    } catch (err) {
      await closeAll();
      return unreadable(io, name, err);
    }
  }

  if (sources.some((s) => !s.fh) && process.stdin.isTTY) io.stderr.write("hermes-doctor: reading the text to triage from the terminal; end it with Ctrl-D.\n");
  const results: TriageInput[] = [];
  try {
    for (const s of sources) {
      const stream = s.fh ? s.fh.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false }) : process.stdin;
      try {
        results.push(await triageStream(s.name, stream));
      } catch (err) {
        return unreadable(io, s.name, err);
      }
    }
  } finally {
    await closeAll();
  }

  const report = buildTriageReport(results, version);
  const render = flags.format === "json" ? renderTriageJson : flags.format === "markdown" ? renderTriageMarkdown : renderTriageText;
  io.stdout.write(render(report));
  return results.some((r) => r.verdict.code === "unknown") ? EXIT.unverified : EXIT.ok;
}
