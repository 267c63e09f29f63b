// `hermes-doctor checks`: the catalogue of checks, for people and for --only/--skip.
import type { IO } from "./io.js";
import type { ChecksFlags } from "./program.js";
import { xaiChecks } from "../api/diagnose-xai.js";
import { loadPlugins } from "../api/plugins.js";
import { EXIT } from "../diagnosis/verdicts.js";
import type { CheckList } from "../report/check-list.js";

export async function listChecks(flags: ChecksFlags, io: IO): Promise<number> {
  const checks: CheckList["checks"] = xaiChecks(await loadPlugins(flags.plugin ?? [])).map((c) => ({
    id: c.id,
    layer: c.layer,
    title: c.title,
    dependsOn: [...(c.dependsOn ?? [])],
    description: c.description,
  }));
  if (flags.format === "json") {
    const list: CheckList = { schemaVersion: 1, checks };
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
