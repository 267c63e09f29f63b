// `hermes-doctor schema [NAME]`: the JSON Schema of a machine output, for CI tools and consumers.
import { EXIT } from "../diagnosis/verdicts.js";
import { SCHEMAS } from "../report/schema.js";
import type { IO } from "./io.js";
import { UsageError } from "./options.js";

export async function printSchema(name: string, io: IO): Promise<number> {
  const entry = SCHEMAS[name];
  if (!entry) throw new UsageError(`schema: unknown schema "${name}" (one of: ${Object.keys(SCHEMAS).join(", ")}).`);
  io.stdout.write(`${JSON.stringify(entry.build(), null, 2)}\n`);
  return EXIT.ok;
}
