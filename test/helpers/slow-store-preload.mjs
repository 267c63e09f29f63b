// Preloaded into the CLI under test (NODE_OPTIONS="--import <this file>"): a slow disk. Every
// fs/promises call that touches a path ending in auth.json first waits HD_TEST_SLOW_STORE_MS.
// Used to make the run's deadline fall, deterministically, inside the local store checks.
// The wait is unref'd: it never keeps the process alive on its own.
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";

const ms = Number(process.env.HD_TEST_SLOW_STORE_MS ?? "0");
const slow = (fn) => async (p, ...rest) => {
  if (String(p).endsWith("auth.json")) await new Promise((resolve) => setTimeout(resolve, ms).unref());
  return fn(p, ...rest);
};
for (const name of ["stat", "lstat", "open", "readFile"]) fsp[name] = slow(fsp[name].bind(fsp));
syncBuiltinESMExports();
