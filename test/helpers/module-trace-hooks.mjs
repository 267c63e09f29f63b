// Module hooks (module.register) for test/helpers/module-trace.ts: every ES module Node resolves
// is appended to the trace file. Runs on the hooks thread; a static fs import only (a dynamic one
// would go through these very hooks).
import { appendFileSync } from "node:fs";

const file = process.env.HD_TEST_MODULE_TRACE;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (file) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
