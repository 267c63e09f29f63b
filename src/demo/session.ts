// One demo run's world: the loopback xAI emulator and a throw-away Hermes home logged in to it.
// Nothing here talks to real xAI; close() removes both (idempotent, safe from a signal handler).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmulator, type Emulator } from "../../fixtures/emulator/server.js";
import { writeHermesHome, xaiAuthStore } from "../../fixtures/hermes-store.js";
import type { XaiOptions } from "../api/diagnose-xai.js";
import type { Env } from "../api/env.js";
import { XAI_PROVIDER_ID } from "../xai/constants.js";
import type { DemoScenario } from "./scenarios.js";

export interface DemoSession {
  scenario: DemoScenario;
  /** The emulator's origin, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** The throw-away Hermes home. */
  home: string;
  /** diagnoseXai options that point the doctor at this emulator and home, and nowhere else. */
  xaiOptions: XaiOptions;
  /** Stops the emulator and deletes the home; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * The variables a demo run may see. Everything else is left out on purpose: the user's proxies,
 * XAI_API_KEY, HERMES_HOME, *_BASE_URL or CI must not change what the demo shows (PATH and the
 * Python settings stay: a refresh takes Hermes' lock through python3).
 */
const PASSED_THROUGH = ["PATH", "HOME", "USERPROFILE", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL", "PYENV_ROOT", "PYENV_VERSION", "HERMES_DOCTOR_PYTHON"];

export function demoEnv(env: Env): Env {
  const out: Record<string, string> = {};
  for (const k of PASSED_THROUGH) if (env[k] !== undefined) out[k] = env[k]!;
  return out;
}

/** Starts an emulator and writes a Hermes home logged in to it, set up for the scenario. */
export async function openDemo(scenario: DemoScenario, env: Env): Promise<DemoSession> {
  const emulator: Emulator = await startEmulator();
  let home: string | undefined;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= Promise.all([
    emulator.close(),
    home ? rm(home, { recursive: true, force: true }) : undefined,
  ]).then(() => {}));
  try {
    home = await mkdtemp(path.join(os.tmpdir(), "hermes-doctor-demo-"));
    const account = emulator.createAccount(scenario.name, scenario.expired ? { lifetimeSec: -600 } : {});
    const apiKey = scenario.apiKey ? emulator.createApiKey("ok") : undefined;
    await writeHermesHome(home, {
      auth: xaiAuthStore(
        { access_token: account.accessToken, refresh_token: account.refreshToken, id_token: account.idToken },
        { tokenEndpoint: emulator.tokenEndpoint },
      ),
      // Pinned to the OAuth provider, as after `hermes model` -> "xAI Grok OAuth": the key in .env is the other rail.
      config: `model:\n  provider: ${XAI_PROVIDER_ID}\n`,
      ...(apiKey ? { env: `XAI_API_KEY=${apiKey}\n` } : {}),
    });
    return {
      scenario,
      origin: emulator.origin,
      home,
      xaiOptions: {
        home,
        issuer: emulator.issuer,
        apiBase: emulator.apiBase,
        // A throw-away home may be refreshed and written, whatever CI says: the demo shows the real flow.
        readOnly: false,
        env: demoEnv(env),
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
