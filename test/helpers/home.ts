// Temp Hermes homes for end-to-end tests; every test gets its own folder and user home.
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface Sandbox {
  dir: string;
  /** Stand-in for the user's home (HOME), so nothing of the real machine is read. */
  userHome: string;
  /** A Hermes root inside it. */
  hermes: string;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(tmpdir(), "hd-e2e-"));
  const userHome = path.join(dir, "home");
  await mkdir(userHome, { recursive: true });
  return { dir, userHome, hermes: path.join(userHome, ".hermes"), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
