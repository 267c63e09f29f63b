"""xai-doctor: hermes-doctor inside Hermes Agent.

Registers, through the public plugin API only (NousResearch/hermes-agent hermes_cli/plugins.py
@ 00067189, class PluginContext):

- ``hermes xai-doctor [doctor options]``  (register_cli_command) the full diagnosis in a terminal;
- ``/xai-doctor [doctor options]``        (register_command) the same in a chat, read-only;
- the tool ``xai_doctor``                  (register_tool) verdict, facets and fix as JSON, read-only;
- an ``api_request_error`` hook            (register_hook) one line under a failed xAI call,
  from the offline ``hermes-doctor triage`` of the error text.

Standard library only; see docs/hermes-integration.md.
"""

import argparse
import json
import shlex
import sys

from . import doctor

TOOLSET = "xai_doctor"
XAI_PROVIDERS = ("xai-oauth", "xai")
# Backstops for captured runs; the doctor's own --timeout (30 s) normally ends a run first.
CAPTURED_TIMEOUT_S = 120
HOOK_TIMEOUT_S = 5
MAX_ERROR_CHARS = 64 * 1024

TOOL_SCHEMA = {
    "name": "xai_doctor",
    "description": (
        "Diagnose Hermes' xAI (Grok) OAuth login with hermes-doctor: store, token, network, refresh "
        "and one tiny real request. Returns the verdict code, the login/entitlement facets and the "
        "fix. Read-only: never refreshes or writes tokens. Use it to explain an xAI 401/403."
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "offline": {"type": "boolean", "description": "Local checks only; nothing is sent to xAI."},
        },
        "additionalProperties": False,
    },
}


def register(ctx):
    ctx.register_cli_command(
        name="xai-doctor",
        help="Diagnose the xAI (Grok) OAuth login (hermes-doctor xai)",
        setup_fn=_setup_cli,
        handler_fn=lambda args: run_cli(ctx, args.doctor_args),
        description="Runs `hermes-doctor xai` for this Hermes home and profile; every option is passed "
        "to the doctor as typed (see `hermes xai-doctor --help`).",
    )
    ctx.register_command(
        "xai-doctor",
        lambda raw_args="": run_slash(ctx, raw_args),
        description="Diagnose the xAI OAuth login (read-only)",
        args_hint="[doctor options]",
    )
    ctx.register_tool(
        name="xai_doctor",
        toolset=TOOLSET,
        schema=TOOL_SCHEMA,
        handler=lambda params=None, **_kwargs: run_tool(ctx, params),
        description=TOOL_SCHEMA["description"],
        emoji="🩺",
    )
    ctx.register_hook("api_request_error", lambda **kwargs: on_api_request_error(ctx, kwargs))


# --- hermes xai-doctor -------------------------------------------------------------------------


def _setup_cli(parser):
    """Every argument after ``xai-doctor`` belongs to the doctor, exactly as typed.

    Hermes wires ``setup_fn(subparser)`` and ``handler_fn`` as the subparser's ``func``
    (hermes_cli/plugins.py @ 00067189, register_cli_command). A REMAINDER positional alone is not
    enough: argparse treats a leading ``--json`` as an unknown option of ``hermes`` and exits 2. So
    this subparser's parse_known_args takes the whole tail itself and leaves nothing unrecognised.
    """
    parser.add_argument("doctor_args", nargs=argparse.REMAINDER, metavar="doctor-options",
                        help="options for `hermes-doctor xai`")
    parse_defaults = parser.parse_known_args

    def parse_known_args(args=None, namespace=None):
        namespace, _ = parse_defaults([], namespace)
        namespace.doctor_args = list(sys.argv[1:] if args is None else args)
        return namespace, []

    parser.parse_known_args = parse_known_args


def run_cli(ctx, user_args):
    """Streams ``hermes-doctor xai`` to this terminal and returns its exit code."""
    command = doctor.doctor_command(ctx)
    if command is None:
        print(doctor.NOT_FOUND, file=sys.stderr)
        return 127
    user_args = list(user_args or [])
    return doctor.stream(command + ["xai", *doctor.target_args(ctx, user_args), *user_args])


# --- /xai-doctor -------------------------------------------------------------------------------


def run_slash(ctx, raw_args):
    """The text report for a chat. Always --read-only: a chat must not rotate the single-use
    refresh token under the agent that is running it."""
    try:
        user_args = shlex.split(raw_args or "")
    except ValueError as exc:
        return f"xai-doctor: cannot read the options ({exc})."
    command = doctor.doctor_command(ctx)
    if command is None:
        return doctor.NOT_FOUND
    argv = command + ["xai", *doctor.target_args(ctx, user_args), "--read-only", "--no-color", *user_args]
    result = doctor.capture(argv, timeout=CAPTURED_TIMEOUT_S)
    if result is None:
        return f"xai-doctor: {command[0]} could not be run or did not finish within {CAPTURED_TIMEOUT_S} s."
    _code, out, err = result
    return "\n".join(part.rstrip("\n") for part in (out, err) if part.strip())


# --- the xai_doctor tool -----------------------------------------------------------------------


def run_tool(ctx, params):
    """JSON for the model: verdict, facets, fixes. Read-only, like the slash command."""
    command = doctor.doctor_command(ctx)
    if command is None:
        return json.dumps({"ok": False, "error": doctor.NOT_FOUND})
    extra = ["--offline"] if isinstance(params, dict) and params.get("offline") is True else []
    argv = command + ["xai", *doctor.target_args(ctx), "--json", "--read-only", *extra]
    result = doctor.capture(argv, timeout=CAPTURED_TIMEOUT_S)
    if result is None:
        return json.dumps({"ok": False, "error": f"hermes-doctor could not be run or did not finish within {CAPTURED_TIMEOUT_S} s"})
    code, out, err = result
    try:
        report = json.loads(out)
        verdict = report["verdict"]
    except (ValueError, KeyError, TypeError):
        return json.dumps({"ok": False, "exitCode": code, "error": (err.strip().splitlines() or ["no report"])[-1]})
    return json.dumps({
        "ok": True,
        "verdict": verdict.get("code"),
        "title": verdict.get("title"),
        "explanation": verdict.get("explanation"),
        "fixes": verdict.get("fixes", []),
        "facets": report.get("facets", {}),
        "exitCode": code,
        "home": report.get("context", {}).get("home"),
        "profile": report.get("context", {}).get("profile"),
    })


# --- api_request_error -------------------------------------------------------------------------

_last_hint = {}  # session id -> the line last printed, so retries of one failure print it once


def on_api_request_error(ctx, kwargs):
    """One line under Hermes' own error when triage recognises a failed xAI call; otherwise, and
    on any failure of our own, nothing. Returns None: Hermes ignores this hook's return value."""
    try:
        line = triage_line(ctx, kwargs)
        if line and _last_hint.get(kwargs.get("session_id")) != line:
            if len(_last_hint) > 256:  # a long-running gateway sees many sessions
                _last_hint.clear()
            _last_hint[kwargs.get("session_id")] = line
            print(line, file=sys.stderr, flush=True)
    except Exception:
        pass
    return None


def error_text(kwargs):
    """The failure as Hermes reports it. agent/api_request_hooks.py (NousResearch/hermes-agent
    @ 28a1cc92) passes ``error={"type", "message"}`` and ``status_code``; other call sites pass
    ``message`` / ``error_message`` / ``error_body``."""
    parts = []
    error = kwargs.get("error")
    if isinstance(error, dict):
        parts.append(error.get("message"))
    else:
        parts.append(error)
    for key in ("message", "error_message", "error_body"):
        parts.append(kwargs.get(key))
    texts = []
    for part in parts:
        if isinstance(part, (dict, list)):
            part = json.dumps(part)
        if isinstance(part, str) and part.strip() and part not in texts:
            texts.append(part)
    text = "\n".join(texts)
    status = kwargs.get("status_code")
    if text and isinstance(status, int) and str(status) not in text:
        text = f"HTTP {status}: {text}"
    return text[:MAX_ERROR_CHARS]


def triage_line(ctx, kwargs):
    """``hermes-doctor triage --json -`` on the error text (offline by design), as one line."""
    if str(kwargs.get("provider") or "").strip().lower() not in XAI_PROVIDERS:
        return None
    text = error_text(kwargs)
    if not text:
        return None
    # Never npx here: it may download the package, and this hook must not touch the network.
    command = doctor.doctor_command(ctx, allow_npx=False)
    if command is None:
        return None
    timeout = doctor.setting(ctx, "hook_timeout_seconds", HOOK_TIMEOUT_S)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        timeout = HOOK_TIMEOUT_S
    result = doctor.capture(command + ["triage", "--json", "-"], stdin_text=text, timeout=timeout)
    if result is None or result[0] != 0:  # exit 1: nothing recognised
        return None
    found = json.loads(result[1])["inputs"][0]
    verdict = found["verdict"]
    if verdict["code"] in ("unknown", "healthy"):
        return None
    line = f"xai-doctor: {verdict['code']}"
    if verdict.get("confidence") == "low":
        line += " (low confidence)"
    gist = _first_sentence(found.get("explanation"))
    if gist:
        line += f": {gist}"
    relogin = verdict.get("reloginHelps")
    if relogin is True:
        line += " — signing in again will help"
    elif relogin is False:
        line += " — signing in again will not help"
    fixes = [f for f in found.get("fixes") or [] if isinstance(f, dict) and f.get("text")]
    if fixes:
        fix = fixes[0]
        line += f"; {fix['text']}" + (f" ({fix['command']})" if fix.get("command") else "")
    # One printable line, whatever the texts contain.
    return "".join(ch for ch in " ".join(line.split()) if ch.isprintable())


def _first_sentence(text, limit=140):
    """The explanation's first sentence ("Login worked, but xAI will not serve this account on the
    API"), which carries the login/entitlement split; None when there is no short one."""
    if not isinstance(text, str):
        return None
    first = text.strip().split(". ", 1)[0].rstrip(".").strip()
    return first if 0 < len(first) <= limit else None
