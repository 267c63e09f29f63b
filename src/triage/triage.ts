// The triage entry points: a stream (a file, stdin) or a string in, a redacted TriageReport out.
// No printing, no exiting, nothing written: src/cli/run-triage.ts does the I/O.
import { redactDeep } from "../report/redact.js";
import { InputAnalyser } from "./analyse.js";
import type { TriageInput, TriageReport } from "./model.js";
import { TRIAGE_SCHEMA_VERSION } from "./version.js";
import { forEachLine } from "./reader.js";

/** Reads one input to its end, line by line, and returns its verdict. */
export async function triageStream(name: string, input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>): Promise<TriageInput> {
  const analyser = new InputAnalyser();
  const { bytes } = await forEachLine(input, analyser.onLine);
  return analyser.finish(name, bytes);
}

/** A pasted string, e.g. from a support form. */
export function triageText(name: string, text: string): Promise<TriageInput> {
  return triageStream(name, [text]);
}

/** The results of every input plus the tally, redacted once (like the doctor's report). */
export function buildTriageReport(inputs: TriageInput[], toolVersion: string): TriageReport {
  const tally: TriageReport["tally"] = {};
  for (const i of inputs) tally[i.verdict.code] = (tally[i.verdict.code] ?? 0) + 1;
  return redactDeep({ schemaVersion: TRIAGE_SCHEMA_VERSION, command: "triage", toolVersion, inputs, tally }, []);
}
