// The model of `hermes-doctor checks --json`: the catalogue of checks, a public contract like the report.
import { z } from "zod";

export const CheckListSchema = z.object({
  schemaVersion: z.literal(1),
  checks: z.array(z.object({
    id: z.string().describe("Stable dotted check id, usable with --only / --skip"),
    layer: z.string(),
    title: z.string(),
    dependsOn: z.array(z.string()).describe("Ids that must pass (or warn) before this check runs"),
    description: z.string(),
  })),
});

export type CheckList = z.infer<typeof CheckListSchema>;
