// Reading --ca-file: kept apart from the HTTP client so the CLI can validate the flag
// before anything runs, without loading undici.
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";

/** An unusable --ca-file. The message is one line for humans. */
export class CaFileError extends Error {
  override readonly name = "CaFileError";
}

export const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function readCaFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    const why =
      code === "ENOENT" ? "does not exist" : code === "EACCES" || code === "EPERM" ? "cannot be read (permission denied)" : code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${code || "unknown error"})`;
    throw new CaFileError(`CA file ${file} ${why}`);
  }
  const blocks = text.match(PEM_RE) ?? [];
  if (blocks.length === 0) {
    throw new CaFileError(`CA file ${file} contains no PEM certificate (expected "-----BEGIN CERTIFICATE-----"; convert DER with: openssl x509 -inform der -in cert.cer -out ca.pem)`);
  }
  blocks.forEach((pem, n) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new CaFileError(`CA file ${file}: certificate #${n + 1} is not a valid PEM certificate`);
    }
  });
  return blocks;
}

