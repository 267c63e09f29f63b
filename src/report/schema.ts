import { z } from "zod";
import { ReportSchema } from "./model.js";

/** The JSON Schema (draft 2020-12) of `--format json`, generated from the zod model. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    title: "hermes-doctor report",
    ...z.toJSONSchema(ReportSchema),
  };
}
