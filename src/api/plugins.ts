// --plugin <module>: extra checks from a module, by path or package name. A plugin uses the same
// public check contract as the built-ins (src/engine/types.ts) and is registered after them; the
// runner isolates it like any check. Whatever cannot become a check is one OptionsError line.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { DoctorCheck } from "../../checks/context.js";
import { OptionsError } from "./errors.js";

const REQUIRED = ["id", "title", "layer", "description"] as const;

/** Why a value is not a check, or undefined when it is one. */
function notACheck(v: unknown): string | undefined {
  if (!v || typeof v !== "object") return `is ${v === null ? "null" : typeof v}, not a check object`;
  const o = v as Record<string, unknown>;
  const missing = REQUIRED.filter((k) => typeof o[k] !== "string" || o[k] === "").map((k) => `string ${k}`);
  if (typeof o.run !== "function") missing.push("run(ctx) function");
  if (missing.length) return `has no ${missing.join(", ")}`;
  if (o.dependsOn !== undefined && !(Array.isArray(o.dependsOn) && o.dependsOn.every((d) => typeof d === "string"))) return "has a dependsOn that is not a list of check ids";
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === "number" && o.timeoutMs > 0)) return "has a timeoutMs that is not a positive number";
  return undefined;
}

/**
 * What to import: a file: URL as given; an existing file relative to cwd; otherwise a package name
 * (or a package's subpath), resolved from cwd as the user's project resolves it, then from the
 * doctor's own install (a plugin installed beside it).
 */
function moduleUrl(spec: string, cwd: string): string {
  if (spec.startsWith("file:")) return spec;
  const file = path.resolve(cwd, spec);
  if (existsSync(file) || spec.startsWith(".") || path.isAbsolute(spec)) return pathToFileURL(file).href;
  try {
    return pathToFileURL(createRequire(path.join(cwd, "noop.js")).resolve(spec)).href;
  } catch {
    return spec;
  }
}

/**
 * Loads one plugin module. Its default export is a check or an array of checks; a module without
 * a default export may name its checks instead (named exports with a run property; other named
 * exports, e.g. helpers, are ignored). Throws OptionsError naming the module when it does not
 * load or exports no valid check.
 */
export async function loadPlugin(spec: string, cwd: string = process.cwd()): Promise<DoctorCheck[]> {
  if (spec.trim() === "") throw new OptionsError("--plugin needs a module: a path (./my-check.mjs) or a package name.");
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleUrl(spec, cwd))) as Record<string, unknown>;
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    throw new OptionsError(`--plugin ${spec}: cannot load the module (${msg}).`);
  }
  const hasRun = (v: unknown) => typeof v === "object" && v !== null && "run" in v;
  const exported = "default" in mod
    ? { default: mod.default }
    : Object.fromEntries(Object.entries(mod).filter(([, v]) => (Array.isArray(v) ? v.some(hasRun) : hasRun(v))));
  const checks: DoctorCheck[] = [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(exported)) {
    for (const [i, item] of (Array.isArray(value) ? value : [value]).entries()) {
      const why = notACheck(item);
      if (why) problems.push(`export ${name}${Array.isArray(value) ? `[${i}]` : ""} ${why}`);
      else checks.push(item as DoctorCheck);
    }
  }
  if (problems.length || checks.length === 0) {
    throw new OptionsError(`--plugin ${spec}: ${problems[0] ?? "exports no check"} (a plugin exports a check {id, title, layer, description, dependsOn?, run(ctx)} or an array of them; see docs/plugins.md).`);
  }
  return checks;
}

/** Loads every --plugin in order. */
export async function loadPlugins(specs: readonly string[], cwd?: string): Promise<DoctorCheck[]> {
  const all: DoctorCheck[] = [];
  for (const s of specs) all.push(...(await loadPlugin(s, cwd)));
  return all;
}
