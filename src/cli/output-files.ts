// --output FORMAT=FILE: one run, several formats. Targets are checked before anything runs (so a
// typo never costs an inference probe) and written atomically (temp file beside it, then rename).
import { accessSync, constants, statSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { InvalidArgumentError } from "commander";
import { FORMATS, type Format } from "../report/formats.js";
import { UsageError } from "./options.js";

export interface OutputTarget {
  format: Format;
  file: string;
}

/** commander parser for --output FORMAT=FILE (repeatable). */
export function parseOutput(value: string, previous: OutputTarget[] = []): OutputTarget[] {
  const eq = value.indexOf("=");
  const format = eq > 0 ? value.slice(0, eq).trim() : "";
  const file = eq > 0 ? value.slice(eq + 1).trim() : "";
  if (!(FORMATS as readonly string[]).includes(format) || !file) {
    throw new InvalidArgumentError(`expects FORMAT=FILE with FORMAT one of ${FORMATS.join(", ")} (e.g. --output json=doctor.json).`);
  }
  return [...previous, { format: format as Format, file }];
}

/** A target that cannot be written is a usage error now, before any check runs. */
export function checkOutputTargets(targets: readonly OutputTarget[], cwd = process.cwd()): void {
  const seen = new Set<string>();
  for (const t of targets) {
    const file = path.resolve(cwd, t.file);
    if (seen.has(file)) throw new UsageError(`--output: ${t.file} is given twice.`);
    seen.add(file);
    const dir = path.dirname(file);
    let dirStat;
    try {
      dirStat = statSync(dir);
    } catch {
      throw new UsageError(`--output: cannot write ${t.file}: the folder ${dir} does not exist.`);
    }
    if (!dirStat.isDirectory()) throw new UsageError(`--output: cannot write ${t.file}: ${dir} is not a folder.`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new UsageError(`--output: cannot write ${t.file}: the folder ${dir} is not writable.`);
    }
    let st;
    try {
      st = statSync(file);
    } catch {
      continue; // a new file: the folder is writable
    }
    if (!st.isFile()) throw new UsageError(`--output: cannot write ${t.file}: it exists and is not a regular file.`);
  }
}

/** Writes text to file atomically: a temp file in the same folder, then rename over the target. */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  const target = path.resolve(file);
  // node:crypto on first use: flag parsing loads this module on every command (Node ≥ 20.16).
  const { randomBytes } = process.getBuiltinModule("node:crypto");
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { flag: "wx" });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
}
