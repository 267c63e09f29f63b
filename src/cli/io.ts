// The process's streams and terminal facts, in one replaceable object. Colour and the
// spinner are decided here once, from flags and environment, never by the libraries.
import { isCi } from "../api/env.js";

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface IO {
  stdout: Stream;
  stderr: Stream;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIO(): IO {
  return { stdout: process.stdout, stderr: process.stderr, env: { ...process.env } };
}

/**
 * Colour level for a stream: --no-color, then NO_COLOR, then FORCE_COLOR, then the stream
 * being a real terminal. chalk alone ignores NO_COLOR, so we decide.
 */
export function colorLevel(stream: Stream, env: IO["env"], flagColor: boolean): 0 | 1 | 2 | 3 {
  if (!flagColor) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (force === "2") return 2;
    if (force === "3") return 3;
    return 1;
  }
  if (!stream.isTTY || env.TERM === "dumb") return 0;
  if (env.COLORTERM === "truecolor" || env.COLORTERM === "24bit") return 3;
  return env.TERM?.includes("256") ? 2 : 1;
}


/**
 * A spinner only on a real terminal that reports its width (ora loops forever on a TTY
 * with 0 columns), never in CI and never for machine formats.
 */
export function spinnerAllowed(stream: Stream, env: IO["env"], format: string): boolean {
  return format === "text" && stream.isTTY === true && (stream.columns ?? 0) > 0 && !isCi(env) && env.TERM !== "dumb";
}
