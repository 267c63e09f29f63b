// The HTTP client's module with undici loaded, once per process. An online run starts this at its
// very start (src/api/diagnose-xai.ts) so undici compiles while the local checks wait on the disk,
// not inside net.endpoints on the critical path; an offline run never calls it and loads neither.
import type * as HttpModule from "./http.js";

let loading: Promise<typeof HttpModule> | undefined;

export function loadHttp(): Promise<typeof HttpModule> {
  return (loading ??= import("./http.js").then((m) => {
    m.loadUndici();
    return m;
  }));
}

/** Starts loading without waiting; a failure surfaces where the client is used (net.endpoints). */
export function preloadHttp(): void {
  loadHttp().catch(() => undefined);
}
