// `hermes-doctor checks`: the catalogue of checks, for people and for --only/--skip.
// Without --plugin it lists from checks/catalogue.ts, plain data generated from the registry, so
// printing a list loads no check module (nor zod, yaml or undici). With --plugin the real registry
// is loaded, as a run would: the plugin's checks are registered (and validated) after the built-ins.
import type { IO } from "./io.js";
import type { ChecksFlags } from "./program.js";
import type { Check } from "../engine/types.js";
import { EXIT } from "../diagnosis/exit-codes.js";
import type { CheckList } from "../report/check-list.js";
import { BUILTIN_CHECKS } from "../../checks/catalogue.js";

export type CheckEntry = CheckList["checks"][number];

/** What `checks` shows of a check (and what checks/catalogue.ts holds of each built-in one). */
export function checkEntry(c: Pick<Check, "id" | "layer" | "title" | "dependsOn" | "description">): CheckEntry {
  return { id: c.id, layer: c.layer, title: c.title, dependsOn: [...(c.dependsOn ?? [])], description: c.description };
}

async function checkEntries(plugins: readonly string[]): Promise<readonly CheckEntry[]> {
  if (plugins.length === 0) return BUILTIN_CHECKS;
  const [{ xaiChecks }, { loadPlugins }] = await Promise.all([import("../api/diagnose-xai.js"), import("../api/plugins.js")]);
  return xaiChecks(await loadPlugins(plugins)).map(checkEntry);
}

export async function listChecks(flags: ChecksFlags, io: IO): Promise<number> {
  const checks = await checkEntries(flags.plugin ?? []);
  if (flags.format === "json") {
    const list: CheckList = { schemaVersion: 1, checks: [...checks] };
    io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const layer of [...new Set(checks.map((c) => c.layer))]) {
    lines.push(`${layer}`);
    for (const c of checks.filter((x) => x.layer === layer)) {
      lines.push(`  ${c.id.padEnd(width)}  ${c.description}`);
      if (c.dependsOn.length) lines.push(`  ${"".padEnd(width)}  needs: ${c.dependsOn.join(", ")}`);
    }
    lines.push("");
  }
  io.stdout.write(lines.join("\n"));
  return EXIT.ok;
}
