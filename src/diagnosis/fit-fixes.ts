// Fixes that fit the run. Checks and the verdict catalogue write every fix once, for the default
// Hermes home (`hermes auth add xai-oauth`, `~/.hermes/.env`, `hermes-doctor xai`); this module
// rewrites those commands and paths for the home, profile and endpoints of the run in use, so a
// `--home /srv/h --profile work` run suggests `HERMES_HOME='/srv/h' hermes -p work auth add xai-oauth`.
//
// Hermes' CLI takes `-p <name>` anywhere before the subcommand and resolves it against the root
// HERMES_HOME names (`-p default` is the root itself, beating a sticky active_profile):
// NousResearch/hermes-agent hermes_cli/_startup_profile.py @ 389528d0 (_scan_profile_flag,
// _apply_profile_override). `hermes profile …` manages the root, so it gets no `-p`.
import type { Fix } from "../engine/types.js";
import { shellQuote } from "../hermes/home.js";

export interface FixScope {
  /** --home as the user passed it: the suggested `hermes` commands need HERMES_HOME=… for it. */
  homeFlag?: string;
  /** --profile as resolved (`default` kept): the suggested `hermes` commands take `-p <name>`. */
  profile?: string;
  /** The home in use as shown to the user (`~/.hermes/profiles/work`), replacing `~/.hermes`. */
  shownHome?: string;
  /** hermes-doctor flags of this run that a suggested re-run must repeat (--home, --profile, endpoints). */
  doctorFlags: readonly string[];
}

/** The catalogue's fixes are written for this home. */
const DEFAULT_HOME = "~/.hermes";

/** A scope that changes nothing: the default home, no profile, no overrides. */
export const DEFAULT_SCOPE: FixScope = { doctorFlags: [] };

/** The hermes-doctor flags a re-run must repeat to look at the same thing. */
export function doctorFlagsFor(opts: { home?: string; profile?: string; issuer?: string; apiBase?: string; grokBase?: string; caFile?: string }): string[] {
  const out: string[] = [];
  const add = (flag: string, v: string | undefined) => {
    if (v !== undefined && v !== "") out.push(flag, quoteIfNeeded(v));
  };
  add("--home", opts.home);
  add("--profile", opts.profile);
  add("--issuer", opts.issuer);
  add("--api-base", opts.apiBase);
  add("--grok-base", opts.grokBase);
  add("--ca-file", opts.caFile);
  return out;
}

export function fitFixes(fixes: readonly Fix[], scope: FixScope): Fix[] {
  return fixes.map((f) => fitFix(f, scope));
}

export function fitFix(fix: Fix, scope: FixScope): Fix {
  const text = fitText(fix.text, scope);
  return fix.command !== undefined ? { text, command: fitCommand(fix.command, scope) } : { text };
}

/** Backticked commands in a fix's text, and the default home's paths, fitted too. */
function fitText(text: string, scope: FixScope): string {
  let out = text.replace(/`(hermes(?:-doctor)?(?: [^`]*)?)`/g, (_m, cmd: string) => `\`${fitCommand(cmd, scope)}\``);
  if (scope.shownHome && scope.shownHome !== DEFAULT_HOME) {
    out = out.replace(/~\/\.hermes(?=\/)/g, scope.shownHome);
  }
  return out;
}

export function fitCommand(command: string, scope: FixScope): string {
  if (command === "hermes-doctor" || command.startsWith("hermes-doctor ")) {
    return scope.doctorFlags.length ? `${command} ${scope.doctorFlags.join(" ")}` : command;
  }
  if (command !== "hermes" && !command.startsWith("hermes ")) return command;
  const rest = command.slice("hermes".length).trimStart();
  const managesProfiles = rest === "profile" || rest.startsWith("profile ");
  // A command that names its own profile (`hermes -p other auth logout …`) keeps it.
  const namesProfile = rest.startsWith("-p ") || rest.startsWith("--profile");
  const words = ["hermes"];
  if (scope.profile && !managesProfiles && !namesProfile) words.push("-p", scope.profile);
  if (rest) words.push(rest);
  const line = words.join(" ");
  return scope.homeFlag ? `HERMES_HOME=${quoteIfNeeded(scope.homeFlag)} ${line}` : line;
}

/** Plain words stay as typed; anything a shell would split or expand is single-quoted. */
function quoteIfNeeded(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./~-]+$/.test(s) && !s.startsWith("~") ? s : shellQuote(s);
}
