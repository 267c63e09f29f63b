// Fixes that fit the run: every suggested command and path follows --home, --profile and the
// endpoint overrides. Unit rules first, then through the built CLI.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fitCommand, fitFix, doctorFlagsFor } from "../src/diagnosis/fit-fixes.js";
import { writeHermesHome, xaiAuthStore } from "../fixtures/hermes-store.js";
import { parseJson, runCli } from "./helpers/cli.js";
import { useEmulatorAndSandbox } from "./helpers/emulated.js";

describe("fitCommand", () => {
  const scope = { homeFlag: "/srv/hermes root", profile: "work", shownHome: "/srv/hermes root/profiles/work", doctorFlags: doctorFlagsFor({ home: "/srv/hermes root", profile: "work", issuer: "http://127.0.0.1:1" }) };
  it("gives hermes commands HERMES_HOME for --home and -p for --profile", () => {
    expect(fitCommand("hermes auth add xai-oauth", scope)).toBe("HERMES_HOME='/srv/hermes root' hermes -p work auth add xai-oauth");
    expect(fitCommand("hermes auth add xai-oauth", { profile: "default", doctorFlags: [] })).toBe("hermes -p default auth add xai-oauth");
  });
  it("never puts -p on `hermes profile …`, which manages the root", () => {
    expect(fitCommand("hermes profile create work", scope)).toBe("HERMES_HOME='/srv/hermes root' hermes profile create work");
  });
  it("repeats the run's flags on a doctor re-run and leaves other commands alone", () => {
    expect(fitCommand("hermes-doctor xai --timeout 30000", scope)).toBe("hermes-doctor xai --timeout 30000 --home '/srv/hermes root' --profile work --issuer http://127.0.0.1:1");
    expect(fitCommand("chmod 600 /x/auth.json", scope)).toBe("chmod 600 /x/auth.json");
    expect(fitCommand("hermesx foo", scope)).toBe("hermesx foo");
  });
  it("fits backticked commands and the default home's paths in the text", () => {
    expect(fitFix({ text: "put it in ~/.hermes/.env, then `hermes model`" }, scope).text).toBe("put it in /srv/hermes root/profiles/work/.env, then `HERMES_HOME='/srv/hermes root' hermes -p work model`");
  });
  it("changes nothing for a default run", () => {
    const fix = { text: "put it in ~/.hermes/.env, then `hermes model`", command: "hermes auth add xai-oauth" };
    expect(fitFix(fix, { shownHome: "~/.hermes", doctorFlags: [] })).toEqual(fix);
  });
});

describe("fixes through the built CLI", () => {
  const { emulator, sb } = useEmulatorAndSandbox();

  it("a --home --profile run: the re-login names the root and the profile, the doctor re-run repeats both", async () => {
    const root = path.join(sb().dir, "custom root");
    await writeHermesHome(path.join(root, "profiles", "work"), {});
    const run = await runCli(["xai", "--json", "--offline", "--home", root, "--profile", "work"], { env: { HOME: sb().userHome } });
    const r = parseJson(run);
    expect(r.verdict.code).toBe("not_logged_in");
    expect(r.verdict.fixes[0].command).toBe(`HERMES_HOME='${root}' hermes -p work auth add xai-oauth`);
    expect(run.code).toBe(10);
  });

  it("a --home run denied entitlement: the API-key fix names that home's .env and its `hermes model`", async () => {
    const home = path.join(sb().dir, "elsewhere");
    const acc = emulator().createAccount("entitlement_denied");
    await writeHermesHome(home, { auth: xaiAuthStore({ access_token: acc.accessToken, refresh_token: acc.refreshToken }, { tokenEndpoint: emulator().tokenEndpoint }) });
    const run = await runCli(["xai", "--json", "--home", home, "--issuer", emulator().issuer, "--api-base", emulator().apiBase], { env: { HOME: sb().userHome } });
    const r = parseJson(run);
    expect(r.verdict.code).toBe("entitlement_denied");
    const text = r.verdict.fixes.map((f: any) => f.text).join("\n");
    expect(text).toContain(`${home}/.env`);
    expect(text).not.toContain("~/.hermes");
    expect(text).toContain(`\`HERMES_HOME=${home} hermes model\``);
    // The skipped API-key check offers the same single fix text, fitted the same way.
    const apikey = r.checks.find((c: any) => c.id === "apikey.probe");
    expect(apikey.fixes[0].text).toBe(r.verdict.fixes[0].text);
  });

  it("a --profile run under the default root uses `hermes -p` and the profile's .env", async () => {
    const acc = emulator().createAccount("entitlement_denied");
    await writeHermesHome(path.join(sb().hermes, "profiles", "work"), { auth: xaiAuthStore({ access_token: acc.accessToken, refresh_token: acc.refreshToken }, { tokenEndpoint: emulator().tokenEndpoint }) });
    const run = await runCli(["xai", "--json", "--profile", "work", "--issuer", emulator().issuer, "--api-base", emulator().apiBase], { env: { HOME: sb().userHome } });
    const r = parseJson(run);
    expect(r.verdict.code).toBe("entitlement_denied");
    const text = r.verdict.fixes.map((f: any) => f.text).join("\n");
    expect(text).toContain("~/.hermes/profiles/work/.env");
    expect(text).toContain("`hermes -p work model`");
  });

  it("an offline --home run suggests the doctor re-run for that home", async () => {
    const home = path.join(sb().dir, "h2");
    const acc = emulator().createAccount("healthy");
    await writeHermesHome(home, { auth: xaiAuthStore({ access_token: acc.accessToken, refresh_token: acc.refreshToken }) });
    const r = parseJson(await runCli(["xai", "--json", "--offline", "--home", home], { env: { HOME: sb().userHome } }));
    expect(r.verdict.code).toBe("local_ok");
    expect(r.verdict.fixes[0].command).toBe(`hermes-doctor xai --home ${home}`);
  });
});
