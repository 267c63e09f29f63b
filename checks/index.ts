// The built-in checks, registered in layer order through the same public API a
// third-party check uses (CheckRegistry.register).
import { CheckRegistry } from "../src/engine/registry.js";
import type { DoctorServices } from "./context.js";
import { localChecks } from "./local.js";
import { networkChecks } from "./network.js";

/** Layers that talk to the network: --offline skips them. */
export const NETWORK_LAYERS: readonly string[] = ["network", "login", "entitlement"];

export function builtinRegistry(): CheckRegistry<DoctorServices> {
  const registry = new CheckRegistry<DoctorServices>();
  for (const check of [...localChecks, ...networkChecks]) registry.register(check);
  return registry;
}
