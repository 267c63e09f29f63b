"""Finding and running hermes-doctor for the plugin (standard library only).

Nothing here imports Hermes: the plugin reads what it needs through the PluginContext it is
given (``ctx.get_config``, ``ctx.profile_name``) and the process environment (``HERMES_HOME``).
"""

import os
import shlex
import shutil
import subprocess
import sys

NOT_FOUND = (
    "xai-doctor: hermes-doctor was not found. Install it (npm install -g hermes-doctor) or set "
    "plugins.entries.xai-doctor.settings.command in config.yaml."
)


def setting(ctx, key, default=None):
    """``plugins.entries.<id>.settings.<key>``; any failure reading it counts as unset."""
    try:
        return ctx.get_config(key, default)
    except Exception:
        return default


def doctor_command(ctx, allow_npx=True):
    """The argv prefix that starts hermes-doctor, or None when there is none.

    Order: the ``command`` setting (a string split like a shell would, or a list), then
    ``hermes-doctor`` on PATH, then ``npx --yes hermes-doctor`` (which may download the package,
    so callers that must stay offline pass ``allow_npx=False``).
    """
    configured = setting(ctx, "command")
    if isinstance(configured, str) and configured.strip():
        try:
            return shlex.split(configured, posix=os.name != "nt")
        except ValueError:
            return None
    if isinstance(configured, list) and configured and all(isinstance(a, str) and a for a in configured):
        return list(configured)
    found = shutil.which("hermes-doctor")
    if found:
        return [found]
    npx = shutil.which("npx") if allow_npx else None
    return [npx, "--yes", "hermes-doctor"] if npx else None


def _profile_name(ctx):
    try:
        name = ctx.profile_name
    except Exception:
        return None
    return name if isinstance(name, str) and name else None


def target_args(ctx, user_args=()):
    """``--home``/``--profile`` for the home and profile this Hermes process is using.

    Hermes resolves ``-p NAME`` (taken out of argv wherever it appears) and the sticky
    ``active_profile`` before anything else and exports the result as ``HERMES_HOME``
    (``<root>/profiles/<name>`` for a named profile; hermes_cli/main.py @ 000238d0,
    _apply_profile_override);
    ``ctx.profile_name`` is "default", the profile's name, or "custom" (NousResearch/hermes-agent
    hermes_cli/plugins.py @ 00067189, PluginContext.profile_name). The doctor is told the same,
    so it never re-applies a sticky profile Hermes itself is not using. A ``--home`` or
    ``--profile`` the user typed wins.
    """
    for arg in user_args:
        if arg in ("--home", "--profile") or arg.startswith(("--home=", "--profile=")):
            return []
    home = os.environ.get("HERMES_HOME", "").strip()
    profile = _profile_name(ctx)
    named = profile not in (None, "default", "custom")
    if not home:
        return ["--profile", profile] if named else ["--profile", "default"] if profile == "default" else []
    home = os.path.normpath(home)
    parent = os.path.dirname(home)
    if named and os.path.basename(parent) == "profiles" and os.path.basename(home) == profile:
        return ["--home", os.path.dirname(parent), "--profile", profile]
    if profile == "default":
        return ["--home", home, "--profile", "default"]
    return ["--home", home]


def stream(argv):
    """Runs the doctor attached to this terminal; returns its exit code (127: could not start)."""
    try:
        proc = subprocess.Popen(argv)
    except OSError as exc:
        print(f"xai-doctor: could not start {argv[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 127
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # The terminal sent SIGINT to the doctor too; let it finish its own way.
        return proc.wait()


def capture(argv, stdin_text=None, timeout=None):
    """Runs the doctor with captured output: (exit code, stdout, stderr), or None when it could
    not start or ran past ``timeout`` seconds (the child is killed)."""
    try:
        proc = subprocess.run(
            argv,
            input=stdin_text if stdin_text is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return proc.returncode, proc.stdout, proc.stderr
