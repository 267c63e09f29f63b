// Where Hermes keeps its state, resolved exactly as Hermes does. Sources (NousResearch/hermes-agent):
// hermes_constants.py (@ 00067189) get_hermes_home / _get_platform_default_hermes_home /
// get_default_hermes_root, hermes_cli/profiles.py (@ 00067189) normalize/validate_profile_name,
// hermes_cli/_startup_profile.py (@ 389528d0) _apply_profile_override (-p and the sticky profile).
import { stat } from "node:fs/promises";
import { formatBytes, readBounded } from "./safe-read.js";
import { normalizeProfileName } from "./profile-name.js";
import path from "node:path";

export { normalizeProfileName };

export type ProfileSource = "flag" | "active_profile" | "home_path";

export interface HomeInput {
  /** --home */
  home?: string;
  /** --profile */
  profile?: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  userHome: string;
}

export interface HermesHome {
  /** The global root (holds profiles/, active_profile and the fallback auth.json). */
  root: string;
  /** The home Hermes uses: the root itself or <root>/profiles/<name>. */
  home: string;
  profile?: string;
  profileSource?: ProfileSource;
  /** Where the home came from before any profile was applied. */
  homeSource: "flag" | "env" | "default";
  authPath: string;
  rootAuthPath: string;
  /** False when a named profile's folder is missing or tombstoned (Hermes refuses to start). */
  profileExists?: boolean;
  /** Facts worth reporting. */
  notes: string[];
  /** Things that stop Hermes from using this home as resolved. */
  warnings: string[];
}

export type HomeResolution = ({ ok: true } & HermesHome) | { ok: false; error: string };

/** Node's path module for the target platform, so Windows layouts can be computed anywhere. */
export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** `~/.hermes` + suffix on POSIX; `%LOCALAPPDATA%\hermes` + suffix on Windows. */
export function platformDefaultHome(env: HomeInput["env"], platform: NodeJS.Platform, userHome: string): string {
  const p = pathFor(platform);
  const suffix = env.HERMES_DATA_DIR_SUFFIX ?? "";
  if (platform === "win32") {
    const local = (env.LOCALAPPDATA ?? "").trim();
    return p.join(local || p.join(userHome, "AppData", "Local"), `hermes${suffix}`);
  }
  return p.join(userHome, `.hermes${suffix}`);
}

function isInside(child: string, parent: string, p: path.PlatformPath): boolean {
  const rel = p.relative(p.resolve(parent), p.resolve(child));
  return rel === "" || (!rel.startsWith("..") && !p.isAbsolute(rel));
}

/**
 * get_default_hermes_root: a home under the native ~/.hermes has that as root; a custom
 * `<root>/profiles/<name>` has <root>; any other custom home is its own root.
 */
export function defaultRootFor(home: string | undefined, nativeHome: string, platform: NodeJS.Platform): string {
  const p = pathFor(platform);
  if (!home) return nativeHome;
  if (isInside(home, nativeHome, p)) return nativeHome;
  const resolved = p.resolve(home);
  return p.basename(p.dirname(resolved)) === "profiles" ? p.dirname(p.dirname(resolved)) : resolved;
}

/**
 * Reads `<root>/active_profile` as Hermes does: utf-8-sig, stripped; an OSError or
 * UnicodeDecodeError makes Hermes skip it and use the root (_startup_profile.py @ 389528d0
 * _apply_profile_override). Bounded and non-blocking: a FIFO or /dev/zero here (which would hang
 * or exhaust Hermes itself) must not hang the doctor; it is reported as a `problem`.
 */
export async function readActiveProfile(root: string, platform: NodeJS.Platform): Promise<{ name: string; problem?: string }> {
  const read = await readBounded(pathFor(platform).join(root, "active_profile"), "active_profile");
  if (read.kind === "missing") return read.danglingLink ? { name: "", problem: "is a symbolic link to a file that does not exist" } : { name: "" };
  if (read.kind === "too_large") {
    return { name: "", problem: `is ${formatBytes(read.size)}, far larger than a profile name (limit ${formatBytes(read.limit)}), so it was not read` };
  }
  if (read.kind === "unreadable") return { name: "", problem: `cannot be read (${read.message})` };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(read.bytes); // drops a BOM
    return { name: text.trim() };
  } catch {
    return { name: "", problem: "is not valid UTF-8 (Hermes ignores it)" };
  }
}

export async function resolveHermesHome(input: HomeInput): Promise<HomeResolution> {
  const p = pathFor(input.platform);
  const native = platformDefaultHome(input.env, input.platform, input.userHome);
  const envHome = (input.env.HERMES_HOME ?? "").trim();
  const flagHome = input.home?.trim() ? input.home.trim() : undefined;
  const explicit = flagHome ?? (envHome || undefined);
  const homeSource: HermesHome["homeSource"] = flagHome ? "flag" : envHome ? "env" : "default";
  const base = explicit ? p.resolve(explicit) : native;
  const root = defaultRootFor(explicit, native, input.platform);
  const notes: string[] = [];
  const warnings: string[] = [];

  let home = base;
  let profile: string | undefined;
  let profileSource: ProfileSource | undefined;

  if (input.profile !== undefined) {
    // `hermes -p NAME` sets HERMES_HOME=<root>/profiles/NAME before anything else runs.
    const n = normalizeProfileName(input.profile);
    if (!n.ok) return { ok: false, error: n.error };
    if (n.name === "default") {
      home = root;
      notes.push("profile 'default' is the root home");
    } else {
      home = p.join(root, "profiles", n.name);
      profile = n.name;
      profileSource = "flag";
    }
  } else if (explicit && p.basename(p.dirname(base)) === "profiles") {
    // _startup_profile.py: a HERMES_HOME whose parent is "profiles" is trusted as that profile.
    profile = p.basename(base);
    profileSource = "home_path";
  } else {
    // _startup_profile.py: without -p, the `hermes` CLI follows <root>/active_profile, even when
    // HERMES_HOME names the root (#22502). Processes that skip the CLI bootstrap use the root and
    // print "[HERMES_HOME fallback] ..." instead (hermes_constants.py).
    const activePath = p.join(root, "active_profile");
    const { name: active, problem } = await readActiveProfile(root, input.platform);
    if (problem) {
      warnings.push(`${activePath} ${problem}: the sticky profile is ignored and the root home is used`);
    }
    if (active && active !== "default") {
      const n = normalizeProfileName(active);
      if (!n.ok) {
        warnings.push(`${activePath} names an invalid profile (${n.error}); the hermes CLI refuses to start until it is fixed`);
      } else if (n.name !== "default") {
        home = p.join(root, "profiles", n.name);
        profile = n.name;
        profileSource = "active_profile";
        notes.push(
          `sticky active profile '${n.name}' (from ${activePath}); a Hermes process started without the CLI ` +
          `bootstrap uses the root instead and prints "[HERMES_HOME fallback] HERMES_HOME is unset but active profile is '${n.name}'"`,
        );
      }
    }
  }

  let profileExists: boolean | undefined;
  if (profile !== undefined && profileSource !== "home_path") {
    // profiles.py: a missing or tombstoned (profiles/.deleted/<name>) profile makes `hermes -p` exit 1.
    const [dir, tomb] = await Promise.all([
      stat(home).then((st) => st.isDirectory(), () => false),
      stat(p.join(root, "profiles", ".deleted", profile)).then(() => true, () => false),
    ]);
    profileExists = dir && !tomb;
    if (!profileExists) {
      warnings.push(`Profile '${profile}' does not exist${tomb ? " (it was deleted)" : ""}: Hermes refuses to start with it ("Profile '${profile}' does not exist. Create it with: hermes profile create ${profile}")`);
    }
  }

  return {
    ok: true,
    root,
    home,
    ...(profile !== undefined ? { profile } : {}),
    ...(profileSource !== undefined ? { profileSource } : {}),
    ...(profileExists !== undefined ? { profileExists } : {}),
    homeSource,
    authPath: p.join(home, "auth.json"),
    rootAuthPath: p.join(root, "auth.json"),
    notes,
    warnings,
  };
}

/** A path as a person reads it: `~/...` when under the user's home. */
export function tildePath(target: string, userHome: string, platform: NodeJS.Platform): string {
  const p = pathFor(platform);
  if (!userHome) return target;
  const rel = p.relative(p.resolve(userHome), p.resolve(target));
  if (rel === "") return "~";
  if (rel.startsWith("..") || p.isAbsolute(rel)) return target;
  return `~${p.sep}${rel}`;
}

/** POSIX single-quoting for the exact commands we suggest. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
