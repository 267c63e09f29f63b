// Reading --ca-file: kept apart from the HTTP client so the CLI can validate the flag
// before anything runs, without loading undici.
// A leaf module with no imports of its own: the one bounded reader, shared with src/hermes.
import { formatBytes, readBoundedSync } from "../hermes/safe-read.js";

/** An unusable --ca-file. The message is one line for humans. */
export class CaFileError extends Error {
  override readonly name = "CaFileError";
}

export const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function readCaFile(file: string): string[] {
  // Bounded and non-blocking like every file the doctor reads: a FIFO or /dev/zero must not hang it.
  const read = readBoundedSync(file, "ca_bundle");
  if (read.kind !== "ok") {
    const why =
      read.kind === "missing" ? "does not exist"
      : read.kind === "too_large" ? `is ${formatBytes(read.size)}, larger than any CA bundle (limit ${formatBytes(read.limit)})`
      : read.errno === "EACCES" || read.errno === "EPERM" ? "cannot be read (permission denied)"
      : read.errno === "EISDIR" ? "is a directory, not a file"
      : `cannot be read (${read.message})`;
    throw new CaFileError(`CA file ${file} ${why}`);
  }
  const text = read.bytes.toString("utf8");
  const blocks = text.match(PEM_RE) ?? [];
  if (blocks.length === 0) {
    throw new CaFileError(`CA file ${file} contains no PEM certificate (expected "-----BEGIN CERTIFICATE-----"; convert DER with: openssl x509 -inform der -in cert.cer -out ca.pem)`);
  }
  blocks.forEach((pem, n) => {
    try {
      // node:crypto on first use: most runs name no CA file (process.getBuiltinModule: Node ≥ 20.16).
      new (process.getBuiltinModule("node:crypto").X509Certificate)(pem);
    } catch {
      throw new CaFileError(`CA file ${file}: certificate #${n + 1} is not a valid PEM certificate`);
    }
  });
  return blocks;
}

