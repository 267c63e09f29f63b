// store.home: which Hermes home (and profile) the doctor looks at, resolved like Hermes.
import { stat } from "node:fs/promises";
import type { DoctorCheck } from "./context.js";
import { resolveHermesHome, tildePath, type ProfileSource } from "../src/hermes/home.js";

export interface StoreHomeData {
  root: string;
  home: string;
  profile?: string;
  profileSource?: ProfileSource;
  authPath: string;
  rootAuthPath: string;
}

/** Why `dir` cannot be a Hermes home (it or a parent is a file), or undefined (a folder, or absent). */
async function notAFolder(dir: string): Promise<string | undefined> {
  try {
    const st = await stat(dir);
    return st.isDirectory() ? undefined : st.isFile() ? "it is a regular file" : "it is a special file (pipe, socket or device)";
  } catch (err) {
    // ENOENT is a fresh machine (store.file reports it); other errors are store.file's to report.
    return (err as NodeJS.ErrnoException).code === "ENOTDIR" ? "a folder on its path is a regular file" : undefined;
  }
}

export const storeHome: DoctorCheck<StoreHomeData> = {
  id: "store.home",
  title: "Hermes home",
  layer: "store",
  description: "Resolves the Hermes home and profile exactly as Hermes does (--home, HERMES_HOME, platform default, -p and the sticky active_profile).",
  async run(ctx) {
    const { options, env, platform, userHome } = ctx.services;
    const r = await resolveHermesHome({
      ...(options.home !== undefined ? { home: options.home } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      env, platform, userHome,
    });
    if (!r.ok) {
      return {
        status: "fail",
        code: "profile_invalid",
        summary: `Cannot use --profile: ${r.error}`,
        fixes: [{ text: "List the profiles Hermes knows and pass one of them", command: "hermes profile list" }],
      };
    }
    const show = (p: string) => tildePath(p, userHome, platform);
    const notFolder = await notAFolder(r.home);
    if (notFolder) {
      return {
        status: "fail",
        code: "store_unreadable",
        summary: `The Hermes home ${show(r.home)} is not a folder: ${notFolder}. A Hermes home is the folder that holds auth.json and config.yaml`,
        details: { home: r.home, homeSource: r.homeSource, problem: notFolder },
        fixes: [{
          text: r.homeSource === "flag" ? "Point --home at the Hermes folder (usually ~/.hermes)" : r.homeSource === "env" ? "Point HERMES_HOME at the Hermes folder (usually ~/.hermes), or unset it" : `Move the file at ${show(r.home)} aside so Hermes can create its folder there`,
        }],
      };
    }
    const data: StoreHomeData = {
      root: r.root,
      home: r.home,
      ...(r.profile !== undefined ? { profile: r.profile } : {}),
      ...(r.profileSource !== undefined ? { profileSource: r.profileSource } : {}),
      authPath: r.authPath,
      rootAuthPath: r.rootAuthPath,
    };
    const via = r.profileSource === "flag" ? "--profile"
      : r.profileSource === "active_profile" ? "sticky active_profile"
      : r.profileSource === "home_path" ? "HERMES_HOME points at a profile"
      : r.homeSource === "flag" ? "--home" : r.homeSource === "env" ? "HERMES_HOME" : "platform default";
    const details: Record<string, unknown> = {
      home: r.home,
      root: r.root,
      homeSource: r.homeSource,
      ...(r.profile ? { profile: r.profile, profileSource: r.profileSource } : {}),
      authPath: r.authPath,
      ...(r.profile ? { rootAuthPath: r.rootAuthPath } : {}),
      ...(r.notes.length ? { notes: r.notes } : {}),
      ...(r.warnings.length ? { warnings: r.warnings } : {}),
    };
    const what = r.profile ? `profile '${r.profile}' at ${show(r.home)}` : show(r.home);
    if (r.warnings.length) {
      const missing = r.profileExists === false && r.profile;
      return {
        status: "warn",
        code: missing ? "profile_missing" : "active_profile_invalid",
        summary: missing
          ? `Hermes home: ${what} (${via}), but that profile does not exist: Hermes refuses to start with it`
          : `Hermes home: ${what} (${via}); ${r.warnings[0]}`,
        details,
        fixes: missing
          ? [
            { text: `Create the profile, or switch back to the default one`, command: `hermes profile create ${r.profile}` },
            { text: "Use the default profile", command: "hermes profile use default" },
          ]
          : [{ text: "Switch back to the default profile", command: "hermes profile use default" }],
        data,
      };
    }
    return {
      status: "pass",
      summary: r.profileSource === "active_profile"
        ? `Hermes home: ${what} (sticky active profile '${r.profile}')`
        : `Hermes home: ${what} (${via})`,
      details,
      data,
    };
  },
};
