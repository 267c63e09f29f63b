// A Hermes home logged in to an emulator account, and the doctor pointed at that emulator.
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startEmulator, type AnyScenario, type Emulator, type EmulatorAccount } from "../../fixtures/emulator/server.js";
import { writeHermesHome, xaiAuthStore, type XaiStoreOptions } from "../../fixtures/hermes-store.js";
import { runCli, startCli, type CliRun } from "./cli.js";
import { sandbox, type Sandbox } from "./home.js";

export interface LoggedIn {
  account: EmulatorAccount;
  home: string;
  authPath: string;
}

export async function loginWith(
  emulator: Emulator,
  sb: Sandbox,
  scenario: AnyScenario,
  opts: { lifetimeSec?: number; store?: XaiStoreOptions; config?: string; env?: string } = {},
): Promise<LoggedIn> {
  const account = emulator.createAccount(scenario, opts.lifetimeSec !== undefined ? { lifetimeSec: opts.lifetimeSec } : {});
  const home = sb.hermes;
  await writeHermesHome(home, {
    auth: xaiAuthStore(
      { access_token: account.accessToken, refresh_token: account.refreshToken, id_token: account.idToken },
      { tokenEndpoint: emulator.tokenEndpoint, ...opts.store },
    ),
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.env !== undefined ? { env: opts.env } : {}),
  });
  return { account, home, authPath: path.join(home, "auth.json") };
}

/** `hermes-doctor xai --json` against the emulator, with a clean environment. */
export function doctorAgainst(emulator: Emulator, sb: Sandbox, args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(["xai", "--json", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase, ...args], {
    env: { HOME: sb.userHome, ...env },
  });
}

/** doctorAgainst, with the child process handed back (to signal or kill it mid-run). */
export function startDoctorAgainst(emulator: Emulator, sb: Sandbox, args: string[] = [], env: Record<string, string> = {}) {
  return startCli(["xai", "--json", "--home", sb.hermes, "--issuer", emulator.issuer, "--api-base", emulator.apiBase, ...args], {
    env: { HOME: sb.userHome, ...env },
  });
}

export const tokenRequests = (emulator: Emulator) => emulator.requests.filter((r) => r.path.startsWith("/oauth2/token"));

/**
 * One emulator for the file, a fresh sandbox and a clean request log for each test. Call at the
 * top of a test file; read the live values through the returned getters.
 */
export function useEmulatorAndSandbox(): { emulator: () => Emulator; sb: () => Sandbox } {
  let emulator: Emulator;
  let sb: Sandbox;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    sb = await sandbox();
    emulator.clearRequests();
  });
  afterEach(async () => {
    await sb.cleanup();
  });
  return { emulator: () => emulator, sb: () => sb };
}
