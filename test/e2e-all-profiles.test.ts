// --all-profiles through the built CLI against the loopback emulator: one section per profile,
// one summary, shared network checks, one inference probe per distinct credential, never two
// refreshes of one grant, and the exit code of the first unhealthy profile.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { AllProfilesReportSchema } from "../src/report/model.js";
import { parseJson, runCli } from "./helpers/cli.js";
import { tokenRequests, useEmulatorAndSandbox } from "./helpers/emulated.js";

const { emulator, sb } = useEmulatorAndSandbox();

async function login(dir: string, scenario: Parameters<ReturnType<typeof emulator>["createAccount"]>[0], lifetimeSec?: number) {
  const acc = emulator().createAccount(scenario, lifetimeSec !== undefined ? { lifetimeSec } : {});
  await writeHermesHome(dir, {
    auth: xaiAuthStore({ access_token: acc.accessToken, refresh_token: acc.refreshToken }, { tokenEndpoint: emulator().tokenEndpoint }),
  });
  return acc;
}

function allProfiles(args: string[] = []) {
  const e = emulator();
  return runCli(["xai", "--all-profiles", "--home", sb().hermes, "--issuer", e.issuer, "--api-base", e.apiBase, ...args], { env: { HOME: sb().userHome } });
}

const responsesCalls = () => emulator().requests.filter((r) => r.method === "POST" && r.path.startsWith("/v1/responses"));
const discoveryCalls = () => emulator().requests.filter((r) => r.path.startsWith("/.well-known/openid-configuration"));

describe("hermes-doctor xai --all-profiles", () => {
  it("diagnoses the root and every profile; one probe per credential; exit code of the first unhealthy profile", async () => {
    await login(sb().hermes, "healthy");
    // 'work' has no store of its own: Hermes falls back to the root's login (same credential).
    await writeHermesHome(path.join(sb().hermes, "profiles", "work"), {});
    // 'alt' signed in separately to an account xAI does not entitle.
    await login(path.join(sb().hermes, "profiles", "alt"), "entitlement_denied");

    const run = await allProfiles(["--json"]);
    const all = AllProfilesReportSchema.parse(parseJson(run));
    expect(all.summary.map((s) => [s.profile, s.verdict])).toEqual([["default", "healthy"], ["alt", "entitlement_denied"], ["work", "healthy"]]);
    expect(all.reports).toHaveLength(3);
    expect(all.reports[2]!.context.profile).toBe("work");
    expect(all.exitCode).toBe(12);
    expect(run.code).toBe(12);
    // Two distinct credentials, two inference probes; the issuer was reached once for all three.
    expect(responsesCalls()).toHaveLength(2);
    expect(discoveryCalls()).toHaveLength(1);
  });

  it("exits 0 only when every profile is healthy, and renders one section per profile with a summary table", async () => {
    await login(sb().hermes, "healthy");
    await writeHermesHome(path.join(sb().hermes, "profiles", "work"), {});
    const run = await allProfiles(["--no-color"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/profile\s+verdict\s+login\s+entitlement\s+exit/);
    expect(run.stdout).toMatch(/✓ default\s+healthy\s+ok\s+ok\s+0/);
    expect(run.stdout).toMatch(/✓ work\s+healthy\s+ok\s+ok\s+0/);
    expect(run.stdout).toContain("━━ default (the root) ━━");
    expect(run.stdout).toContain("━━ profile work ━━");
  });

  it("never refreshes one grant twice: a profile holding a copy of the root's refresh token is reported, not sent", async () => {
    const acc = await login(sb().hermes, "healthy", -600);
    await writeHermesHome(path.join(sb().hermes, "profiles", "copy"), {
      auth: xaiAuthStore({ access_token: acc.accessToken, refresh_token: acc.refreshToken }, { tokenEndpoint: emulator().tokenEndpoint }),
    });
    const run = await allProfiles(["--json"]);
    const all = parseJson(run);
    expect(tokenRequests(emulator())).toHaveLength(1);
    expect(all.summary.map((s: any) => [s.profile, s.verdict])).toEqual([["default", "healthy"], ["copy", "session_revoked"]]);
    const copy = all.reports[1];
    const refresh = copy.checks.find((c: any) => c.id === "login.refresh");
    expect(refresh.summary).toContain("copy of the grant refreshed for the root (default)");
    // The root's run saw the fork before it refreshed.
    expect(all.reports[0].checks.find((c: any) => c.id === "token.forks").status).toBe("warn");
    // The fix names the profile it is for.
    expect(copy.verdict.fixes[0].command).toBe(`HERMES_HOME=${sb().hermes} hermes -p copy auth add xai-oauth`);
    expect(run.code).toBe(11);
  });

  it("is a usage error together with --profile, or with a format it cannot print", async () => {
    const a = await allProfiles(["--profile", "work"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("--all-profiles and --profile contradict each other");
    const b = await allProfiles(["--format", "junit"]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split("\n")).toHaveLength(1);
  });
});
