// Streams any input line by line in bounded memory: one chunk plus at most MAX_LINE characters of
// the current line are held, whatever the file's size. Bytes that are not UTF-8 become U+FFFD, NUL
// bytes are dropped (so a UTF-16 log still reads as text), and a line longer than MAX_LINE is matched
// on its first MAX_LINE characters only; the rest of it is skipped, never buffered.

/** Longest line prefix that is matched; xAI's error bodies are far shorter. */
export const MAX_LINE = 64 * 1024;

export type LineHandler = (line: string, lineNo: number) => void;

export interface ReadStats {
  bytes: number;
  lines: number;
}

const clean = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line);

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

  for await (const chunk of input) {
    if (typeof chunk === "string") {
      bytes += Buffer.byteLength(chunk);
      take(chunk);
    } else {
      bytes += chunk.length;
      take(decoder.decode(chunk, { stream: true }));
    }
  }
  take(decoder.decode());
  if (carry && !skipping) {
    lineNo++;
    onLine(clean(carry), lineNo);
  } else if (skipping) lineNo++;
  return { bytes, lines: lineNo };
}
