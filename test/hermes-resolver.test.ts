// The doctor's idea of a usable stored xAI login is Hermes' own: NousResearch/hermes-agent
// hermes_cli/auth_xai.py @ 05451959 (_token_pair, _xai_oauth_state_from_store,
// _read_xai_oauth_tokens). Every shape below is one that predicate decides; the expected answers
// are what that Python code returns or raises for it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseJson, runCli } from "./helpers/cli.js";
import { writeHermesHome } from "../fixtures/hermes-store.js";
import { makeAccessToken, makeOpaqueToken } from "../fixtures/tokens.js";
import { readXaiOauthTokens, type HermesTokenRead } from "../src/hermes/credentials.js";

const AT = "at-value";
const RT = "rt-value";
const singleton = (tokens: unknown, extra: Record<string, unknown> = {}) => ({ providers: { "xai-oauth": { tokens, ...extra } } });
const withPool = (store: Record<string, unknown>, rows: unknown) => ({ ...store, credential_pool: { "xai-oauth": rows } });
const ok = (from: "profile" | "root", origin: Record<string, unknown>) => ({ ok: true, from, origin });
const refused = (code: string) => ({ ok: false, code });

type Row = [name: string, profile: Record<string, unknown>, root: Record<string, unknown> | undefined, expected: Record<string, unknown>];

const TABLE: Row[] = [
  // _token_pair: stripped strings, both required.
  ["singleton with both tokens", singleton({ access_token: AT, refresh_token: RT }), undefined, ok("profile", { via: "singleton" })],
  ["tokens padded with whitespace still count", singleton({ access_token: `  ${AT}\n`, refresh_token: `\t${RT} ` }), undefined, ok("profile", { via: "singleton" })],
  ["whitespace-only refresh_token is missing", singleton({ access_token: AT, refresh_token: "  \n" }), undefined, refused("xai_auth_missing_refresh_token")],
  ["whitespace-only access_token is missing", singleton({ access_token: " ", refresh_token: RT }), undefined, refused("xai_auth_missing_access_token")],
  ["both missing: access_token is named first", singleton({}), undefined, refused("xai_auth_missing_access_token")],
  ["null refresh_token", singleton({ access_token: AT, refresh_token: null }), undefined, refused("xai_auth_missing_refresh_token")],
  ["no-break space is whitespace to Python's strip()", singleton({ access_token: "\u00a0", refresh_token: RT }), undefined, refused("xai_auth_missing_access_token")],
  ["U+001F is whitespace to Python's strip() (not to JS trim)", singleton({ access_token: AT, refresh_token: "\u001f" }), undefined, refused("xai_auth_missing_refresh_token")],
  ["a lone BOM is NOT whitespace to Python's strip()", singleton({ access_token: "\ufeff", refresh_token: RT }), undefined, ok("profile", { via: "singleton" })],
  // _clean = str(value or "").strip(): non-strings by truthiness.
  ["a number token is str()-ed (truthy)", singleton({ access_token: 123, refresh_token: RT }), undefined, ok("profile", { via: "singleton" })],
  ["0 is falsy", singleton({ access_token: 0, refresh_token: RT }), undefined, refused("xai_auth_missing_access_token")],
  ["false is falsy", singleton({ access_token: AT, refresh_token: false }), undefined, refused("xai_auth_missing_refresh_token")],
  ["an empty list is falsy", singleton({ access_token: [], refresh_token: RT }), undefined, refused("xai_auth_missing_access_token")],
  // tokens not a dict.
  ["tokens is a string", singleton("at.rt"), undefined, refused("xai_auth_invalid_shape")],
  ["tokens is a list", singleton([AT, RT]), undefined, refused("xai_auth_invalid_shape")],
  ["tokens is null", singleton(null), undefined, refused("xai_auth_invalid_shape")],
  ["tokens absent", { providers: { "xai-oauth": { auth_mode: "oauth_device_code" } } }, undefined, refused("xai_auth_invalid_shape")],
  // No state at all.
  ["no providers", { version: 1 }, undefined, refused("xai_auth_missing")],
  ["an empty state dict is falsy", { providers: { "xai-oauth": {} } }, undefined, refused("xai_auth_missing")],
  ["a state that is not a dict", { providers: { "xai-oauth": "logged-in" } }, undefined, refused("xai_auth_missing")],
  ["providers is a list", { providers: [{ "xai-oauth": {} }] }, undefined, refused("xai_auth_missing")],
  // The credential pool: the first row with both, merged into the singleton.
  ["pool row with both, no singleton", withPool({}, [{ access_token: AT, refresh_token: RT }]), undefined, ok("profile", { via: "pool", index: 0 })],
  ["first complete row wins", withPool({}, [{ access_token: AT }, "junk", null, { access_token: AT, refresh_token: RT }, { access_token: "b", refresh_token: "c" }]), undefined, ok("profile", { via: "pool", index: 3 })],
  ["incomplete singleton + complete pool row: the row is merged in", withPool(singleton({ access_token: AT }), [{ access_token: AT, refresh_token: RT }]), undefined, ok("profile", { via: "pool", index: 0 })],
  ["pool rows without a refresh token, no singleton: nothing stored", withPool({}, [{ access_token: AT }, { access_token: AT, refresh_token: " " }]), undefined, refused("xai_auth_missing")],
  ["pool rows without a refresh token + singleton without one", withPool(singleton({ access_token: AT }), [{ access_token: AT }]), undefined, refused("xai_auth_missing_refresh_token")],
  ["a pool that is a dict, not a list, is ignored", { credential_pool: { "xai-oauth": { access_token: AT, refresh_token: RT } } }, undefined, refused("xai_auth_missing")],
  ["a pool row whose tokens are nested under tokens is not a pair", withPool({}, [{ tokens: { access_token: AT, refresh_token: RT } }]), undefined, refused("xai_auth_missing")],
  // Profile -> root.
  ["profile without xai state uses the root's singleton", { providers: {} }, singleton({ access_token: AT, refresh_token: RT }), ok("profile", { via: "singleton" })],
  ["a non-dict profile state falls back to the root's", { providers: { "xai-oauth": "x" } }, singleton({ access_token: AT, refresh_token: RT }), ok("profile", { via: "singleton" })],
  ["incomplete profile singleton: the root's complete one is used", singleton({ access_token: AT }), singleton({ access_token: AT, refresh_token: RT }), ok("root", { via: "singleton" })],
  ["profile with nothing, root pool row with both", {}, withPool({}, [{ access_token: AT, refresh_token: RT }]), ok("root", { via: "pool", index: 0 })],
  ["profile pool row beats the root", withPool({}, [{ access_token: AT, refresh_token: RT }]), singleton({ access_token: AT, refresh_token: RT }), ok("profile", { via: "singleton" })],
  ["neither usable: the profile's own error is raised", singleton({ access_token: AT }), singleton({ refresh_token: RT }), refused("xai_auth_missing_refresh_token")],
  ["neither has anything", {}, {}, refused("xai_auth_missing")],
  ["the root's incomplete state is what fails when the profile has none", {}, singleton({ access_token: AT }), refused("xai_auth_missing_refresh_token")],
];

describe("readXaiOauthTokens is Hermes' _read_xai_oauth_tokens", () => {
  it.each(TABLE)("%s", (_name, profile, root, expected) => {
    const got: HermesTokenRead = readXaiOauthTokens(profile, root);
    expect(got).toMatchObject(expected);
  });

  it("the refusals carry Hermes' own words", () => {
    expect(readXaiOauthTokens({})).toMatchObject({ message: "No xAI OAuth credentials stored. Select xAI Grok OAuth (SuperGrok / Premium+) in `hermes model`." });
    expect(readXaiOauthTokens(singleton("x"))).toMatchObject({ message: "xAI OAuth state is missing tokens. Re-authenticate with `hermes model`." });
    expect(readXaiOauthTokens(singleton({ refresh_token: RT }))).toMatchObject({ message: "xAI OAuth state is missing access_token. Re-authenticate with `hermes model`." });
    expect(readXaiOauthTokens(singleton({ access_token: AT }))).toMatchObject({ message: "xAI OAuth state is missing refresh_token. Re-authenticate with `hermes model`." });
  });
});

describe("through the CLI: a store Hermes refuses is never local_ok", () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "hd-resolver-")); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  const access = () => makeAccessToken();
  const cases: [string, string, string, () => Record<string, unknown>][] = [
    ["singleton and pool rows without a refresh token", "state_invalid", "xai_auth_missing_refresh_token", () => ({
      version: 1,
      providers: { "xai-oauth": { tokens: { access_token: access(), refresh_token: "   " }, auth_mode: "oauth_device_code" } },
      credential_pool: { "xai-oauth": [{ id: "a", source: "device_code", priority: 0, access_token: access() }] },
      active_provider: "xai-oauth",
    })],
    ["only pool rows with an access token", "not_logged_in", "xai_auth_missing", () => ({
      version: 1, providers: {}, active_provider: "xai-oauth",
      credential_pool: { "xai-oauth": [{ id: "a", source: "manual:device_code", priority: 0, access_token: access(), refresh_token: null }] },
    })],
  ];
  it.each(cases)("%s: %s (%s), exit 10", async (_n, verdict, hermesError, store) => {
    const home = await writeHermesHome(path.join(dir, "h"), { auth: store() });
    const run = await runCli(["xai", "--offline", "--json", "--home", home], { env: { HOME: dir } });
    const report = parseJson(run);
    expect(report.verdict.code).toBe(verdict);
    expect(run.code).toBe(10);
    expect(report.checks.find((c: any) => c.id === "xai.state")).toMatchObject({ status: "fail", details: { hermesError } });
  });

  it("a complete pair is still local_ok", async () => {
    const home = await writeHermesHome(path.join(dir, "h"), {
      auth: { version: 1, providers: { "xai-oauth": { tokens: { access_token: access(), refresh_token: makeOpaqueToken("rt") } } }, active_provider: "xai-oauth" },
    });
    const run = await runCli(["xai", "--offline", "--json", "--home", home], { env: { HOME: dir } });
    expect(parseJson(run).verdict.code).toBe("local_ok");
    expect(run.code).toBe(0);
  });
});
