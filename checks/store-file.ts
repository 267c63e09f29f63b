// store.file: auth.json exists and can be read as Hermes reads it (utf-8-sig; OSError raised,
// never an empty store), with a profile's per-provider fallback to the root store.
import path from "node:path";
import type { DoctorCheck } from "./context.js";
import type { Fix } from "../src/engine/types.js";
import type { StoreHomeData } from "./store-home.js";
import { readStoreFile, type StoreRead } from "../src/hermes/auth-store.js";
import { shellQuote, tildePath } from "../src/hermes/home.js";
import { formatBytes } from "../src/hermes/safe-read.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

export interface StoreFileData {
  /** The file whose text this is (the profile's, or the root's when the profile has none). */
  path: string;
  text: string;
  bom: boolean;
  /** True when a profile has no auth.json and Hermes reads the root store instead. */
  fromRoot: boolean;
  /** A named profile is in use (so a root fallback exists). */
  profileMode: boolean;
  rootPath: string;
  /** The root store exists (profile mode only; false otherwise). */
  rootPresent: boolean;
  /** Profile mode, profile file used: the root text for per-provider fallback, when readable. */
  rootText?: string;
  /** Profile mode: why the root store is not usable as a fallback (Hermes then treats it as empty). */
  rootProblem?: string;
}

function unreadableFixes(file: string, errno: string, platform: NodeJS.Platform): Fix[] {
  if (errno === "EISDIR") {
    const move: Fix = platform === "win32"
      ? { text: "auth.json is a directory: rename it (e.g. to auth.json.dir-backup), then sign in again" }
      : { text: "auth.json is a directory: move it aside, then sign in again", command: `mv ${shellQuote(file)} ${shellQuote(`${file}.dir-backup`)}` };
    return [move, { text: "Sign in again", command: RELOGIN_COMMAND }];
  }
  if (platform === "win32") {
    return [{ text: `Give your Windows user read and write access to ${file} (Properties > Security), then re-run` }];
  }
  const dir = path.posix.dirname(file);
  return [{
    text: "Give auth.json and its folder back to the user who runs Hermes and make them private",
    command: `sudo chown "$(id -un)" ${shellQuote(dir)} ${shellQuote(file)} && chmod 700 ${shellQuote(dir)} && chmod 600 ${shellQuote(file)}`,
  }];
}

export const storeFile: DoctorCheck<StoreFileData> = {
  id: "store.file",
  title: "Auth store file",
  layer: "store",
  description: "auth.json exists and is readable as UTF-8 (with or without a BOM), as Hermes reads it.",
  // store.recover first: an interrupted save it finishes changes what auth.json holds.
  dependsOn: ["store.home", "store.recover"],
  async run(ctx) {
    const home = ctx.data<StoreHomeData>("store.home")!;
    const { userHome, platform } = ctx.services;
    const show = (p: string) => tildePath(p, userHome, platform);
    const profileMode = home.authPath !== home.rootAuthPath;

    const own = await readStoreFile(home.authPath);
    let used: StoreRead = own;
    let usedPath = home.authPath;
    let fromRoot = false;
    let rootRead: StoreRead | undefined;
    if (profileMode) {
      rootRead = await readStoreFile(home.rootAuthPath);
      if (own.kind === "missing" && rootRead.kind !== "missing") {
        used = rootRead;
        usedPath = home.rootAuthPath;
        fromRoot = true;
      }
    }

    if (used.kind === "missing") {
      const dangling = own.kind === "missing" && own.danglingLink ? home.authPath : rootRead?.kind === "missing" && rootRead.danglingLink ? home.rootAuthPath : undefined;
      return {
        status: "fail",
        code: "not_logged_in",
        summary: dangling
          ? `No auth store: ${show(dangling)} is a symbolic link to a file that does not exist, so Hermes sees no store`
          : profileMode
            ? `No auth store: neither ${show(home.authPath)} nor the root ${show(home.rootAuthPath)} exists`
            : `No auth store at ${show(home.authPath)}: Hermes has never saved a login here`,
        details: { path: home.authPath, ...(profileMode ? { rootPath: home.rootAuthPath } : {}), ...(dangling ? { danglingLink: dangling } : {}) },
        fixes: [{ text: "Sign in to xAI (device-code login)", command: RELOGIN_COMMAND }],
      };
    }
    if (used.kind === "unreadable") {
      const hermesDoes = fromRoot
        ? "Hermes treats an unreadable root store as empty from a profile, so it looks logged out"
        : "Hermes stops with this error instead of starting empty (which would erase every login at the next save)";
      return {
        status: "fail",
        code: "store_unreadable",
        summary: `Cannot read ${show(usedPath)}: ${used.message}. This is not "logged out": the login may be intact`,
        details: { path: usedPath, errno: used.errno, fromRoot, hermes: hermesDoes },
        fixes: unreadableFixes(usedPath, used.errno, platform),
      };
    }
    if (used.kind === "too_large") {
      return {
        status: "fail",
        code: "store_corrupt",
        summary: `${show(usedPath)} is ${formatBytes(used.size)}, far larger than any Hermes auth store (the doctor reads at most ${formatBytes(used.limit)}): it is not a usable store`,
        details: {
          path: usedPath, bytes: used.size, limit: used.limit, fromRoot,
          hermes: "Hermes reads the whole file into memory; it either runs out of memory or fails to parse it and starts with an empty store",
        },
        fixes: [
          { text: "Move the oversized auth.json aside (keep it if it may hold a login), then sign in again", ...(platform === "win32" ? {} : { command: `mv ${shellQuote(usedPath)} ${shellQuote(`${usedPath}.oversized`)}` }) },
          { text: "Sign in again", command: RELOGIN_COMMAND },
        ],
      };
    }
    if (used.kind === "not_utf8") {
      return {
        status: "fail",
        code: "store_corrupt",
        summary: `${show(usedPath)} is not valid UTF-8 (first bad byte at offset ${used.offset}): Hermes copies it to auth.json.corrupt and starts with an empty store`,
        details: {
          path: usedPath, bytes: used.bytes, badByteOffset: used.offset, fromRoot,
          hermes: "the next save overwrites auth.json, so every login in it is lost; the copy stays at auth.json.corrupt",
        },
        fixes: [
          { text: "Restore auth.json from a backup if you have one; otherwise sign in again", command: RELOGIN_COMMAND },
        ],
      };
    }

    const data: StoreFileData = {
      path: usedPath, text: used.text, bom: used.bom, fromRoot, profileMode, rootPath: home.rootAuthPath,
      rootPresent: profileMode ? rootRead?.kind !== "missing" : false,
    };
    if (profileMode && !fromRoot && rootRead) {
      if (rootRead.kind === "ok") data.rootText = rootRead.text;
      else if (rootRead.kind === "unreadable") data.rootProblem = `unreadable (${rootRead.message})`;
      else if (rootRead.kind === "not_utf8") data.rootProblem = "not valid UTF-8";
      else if (rootRead.kind === "too_large") data.rootProblem = `${formatBytes(rootRead.size)}, too large to be a store`;
    }
    const details: Record<string, unknown> = {
      path: usedPath,
      bytes: used.bytes,
      encoding: used.bom ? "UTF-8 with BOM (Hermes reads utf-8-sig, so the BOM is fine; its next save drops it)" : "UTF-8",
      ...(profileMode ? { rootPath: home.rootAuthPath, rootPresent: data.rootPresent } : {}),
      ...(data.rootProblem ? { rootProblem: `${data.rootProblem}: Hermes treats the root store as empty for fallback` } : {}),
    };
    if (fromRoot) {
      // The intended layout (one grant, in the root store): reported, not a warning.
      return {
        status: "pass",
        code: "profile_fallback",
        summary: `Profile '${home.profile}' has no auth.json of its own: Hermes uses the root store ${show(usedPath)}`,
        details: { ...details, profileAuthPath: home.authPath },
        data,
      };
    }
    return {
      status: "pass",
      summary: `${show(usedPath)} is readable (${used.bytes} bytes${used.bom ? ", UTF-8 with BOM" : ""})`,
      details,
      data,
    };
  },
};
