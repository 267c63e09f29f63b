// Streams any input line by line in bounded memory: one chunk plus at most MAX_LINE characters of
// the current line are held, whatever the file's size. Bytes that are not UTF-8 become U+FFFD, NUL
// bytes are dropped (so a UTF-16 log still reads as text), and a line longer than MAX_LINE is matched
// on its first MAX_LINE characters only; the rest of it is skipped, never buffered.
import { isAscii } from "node:buffer";

/** Longest line prefix that is matched; xAI's error bodies are far shorter. */
export const MAX_LINE = 64 * 1024;

export type LineHandler = (line: string, lineNo: number) => void;

export interface ReadStats {
  bytes: number;
  lines: number;
}

const clean = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line);

/**
 * Whether `bytes` may end inside a UTF-8 character (a lead byte still short of its continuation
 * bytes), i.e. whether a streaming decoder may hold some of them back. Errs towards "may".
 */
function mayEndMidCharacter(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1, seen = 0; i >= 0 && seen < 4; i--, seen++) {
    const b = bytes[i]!;
    if (b < 0x80) return false; // ASCII: complete
    if (b >= 0xc0) return seen + 1 < (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2); // a lead byte
  }
  return false; // only continuation bytes: nothing a decoder could still be waiting to complete
}

export async function forEachLine(input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, onLine: LineHandler): Promise<ReadStats> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let carry = "";
  let skipping = false; // inside a line whose first MAX_LINE characters were already handed out
  let lineNo = 0;
  let bytes = 0;

  const take = (decoded: string): void => {
    // Dropped per chunk, not per line: one scan, and most chunks have none.
    const text = decoded.includes("\0") ? decoded.replace(/\0/g, "") : decoded;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      lineNo++;
      if (skipping) skipping = false;
      else {
        const piece = text.slice(start, Math.min(nl, start + MAX_LINE));
        const line = carry ? (carry + piece).slice(0, MAX_LINE) : piece;
        carry = "";
        onLine(clean(line), lineNo);
      }
      start = nl + 1;
    }
    if (skipping || start >= text.length) return;
    carry += text.slice(start, start + MAX_LINE + 1);
    if (carry.length > MAX_LINE) {
      onLine(clean(carry.slice(0, MAX_LINE)), lineNo + 1);
      carry = "";
      skipping = true;
    }
  };

  // Pure ASCII (most logs) is its own UTF-8 decoding, and latin1 is several times faster to turn
  // into a string than TextDecoder; only taken when the decoder holds nothing from the last chunk.
  let decoderMayHold = false;
  for await (const chunk of input) {
    if (typeof chunk === "string") {
      bytes += Buffer.byteLength(chunk);
      take(chunk);
    } else {
      bytes += chunk.length;
      if (!decoderMayHold && isAscii(chunk)) {
        take(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1"));
      } else {
        take(decoder.decode(chunk, { stream: true }));
        decoderMayHold = mayEndMidCharacter(chunk);
      }
    }
  }
  take(decoder.decode());
  if (carry && !skipping) {
    lineNo++;
    onLine(clean(carry), lineNo);
  } else if (skipping) lineNo++;
  return { bytes, lines: lineNo };
}
