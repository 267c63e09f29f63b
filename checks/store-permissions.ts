// store.permissions: auth.json 0600 in a 0700 folder, as Hermes writes them
// (hermes_cli/auth.py _save_private_json + hermes_constants.secure_parent_dir @ 00067189).
import { stat } from "node:fs/promises";
import path from "node:path";
import type { DoctorCheck } from "./context.js";
import type { Fix } from "../src/engine/types.js";
import type { StoreFileData } from "./store-file.js";
import { shellQuote, tildePath } from "../src/hermes/home.js";

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, "0")}`;

export const storePermissions: DoctorCheck = {
  id: "store.permissions",
  title: "Auth store permissions",
  layer: "store",
  description: "auth.json is private to its owner (0600) and its folder is 0700, as Hermes writes them (POSIX only).",
  dependsOn: ["store.file"],
  async run(ctx) {
    const { platform, userHome } = ctx.services;
    if (platform === "win32") {
      return { status: "skip", code: "not_applicable", summary: "POSIX file modes do not apply on Windows (access is governed by ACLs)" };
    }
    const file = ctx.data<StoreFileData>("store.file")!;
    const show = (p: string) => tildePath(p, userHome, platform);
    const dir = path.posix.dirname(file.path);
    const [fst, dst] = await Promise.all([stat(file.path), stat(dir)]);
    const fileMode = fst.mode & 0o777;
    const dirMode = dst.mode & 0o777;
    const details = { path: file.path, mode: octal(fileMode), dir, dirMode: octal(dirMode), uid: fst.uid };

    const problems: string[] = [];
    const fixes: Fix[] = [];
    let code: string | undefined;
    if (fileMode & 0o077) {
      code = "store_mode_too_open";
      problems.push(`${show(file.path)} is ${octal(fileMode)}: other users can ${fileMode & 0o044 ? "read" : "access"} your tokens`);
    } else if (fileMode !== 0o600) {
      code = "store_mode_unexpected";
      problems.push(`${show(file.path)} is ${octal(fileMode)}, not the 0600 Hermes writes`);
    }
    if (code) fixes.push({ text: "Make auth.json private to you", command: `chmod 600 ${shellQuote(file.path)}` });
    if (dirMode & 0o077) {
      code ??= "store_dir_too_open";
      problems.push(`its folder ${show(dir)} is ${octal(dirMode)}, not 0700`);
      fixes.push({ text: "Make the Hermes folder private to you", command: `chmod 700 ${shellQuote(dir)}` });
    }
    if (code) {
      return {
        status: "warn",
        code,
        summary: `${problems.join("; ")} (Hermes re-applies 0600/0700 only on its next save)`,
        details,
        fixes,
      };
    }
    return { status: "pass", summary: `${show(file.path)} is 0600 in a 0700 folder`, details };
  },
};
