import { readFile } from "node:fs/promises";

export type OptionalText = { kind: "missing" } | { kind: "unreadable"; errno: string } | { kind: "ok"; text: string };

/** A file Hermes treats as optional (config.yaml, .env): missing is normal, other errors are findings. */
export async function readOptionalText(path: string): Promise<OptionalText> {
  try {
    return { kind: "ok", text: await readFile(path, "utf8") };
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? "UNKNOWN";
    return errno === "ENOENT" || errno === "ENOTDIR" ? { kind: "missing" } : { kind: "unreadable", errno };
  }
}
