// Hermes' profile-name rule, alone in a module so flag parsing (--profile) can check a name
// without loading the home resolver. Source: NousResearch/hermes-agent hermes_cli/profiles.py
// (@ 00067189) normalize/validate_profile_name.

const PROFILE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** profiles.py: trim, lower-case, `default` case-insensitively; then the id pattern. */
export function normalizeProfileName(raw: string): { ok: true; name: string } | { ok: false; error: string } {
  const stripped = raw.trim();
  if (!stripped) return { ok: false, error: "the profile name is empty" };
  if (stripped.toLowerCase() === "default") return { ok: true, name: "default" };
  const name = stripped.toLowerCase();
  if (/[\\/]/.test(name) || name === "." || name === "..") {
    return { ok: false, error: `invalid profile name ${JSON.stringify(raw)}: it must be a name, not a path (no / or \\)` };
  }
  if (!PROFILE_ID.test(name)) {
    return { ok: false, error: `invalid profile name ${JSON.stringify(raw)}: Hermes profile names match [a-z0-9][a-z0-9_-]{0,63}` };
  }
  return { ok: true, name };
}
