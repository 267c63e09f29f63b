// Module-load hooks for record-loads.mjs (they run on the loader's own thread). Each URL is
// written synchronously as it loads, so the list is complete even if the process exits abruptly.
import { appendFileSync } from "node:fs";

let file;
export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
