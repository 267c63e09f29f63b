/** Default deadline of a whole run, ms (--timeout); apart from the pipeline so flag parsing stays light. */
export const DEFAULT_TIMEOUT_MS = 30_000;
