// store.parse: auth.json is JSON shaped the way Hermes accepts it (hermes_cli/auth.py
// _load_auth_store @ 00067189), and no earlier corrupt store was moved aside.
import { stat } from "node:fs/promises";
import type { DoctorCheck } from "./context.js";
import type { StoreFileData } from "./store-file.js";
import { parseStoreText, secretValuesIn } from "../src/hermes/auth-store.js";
import { tildePath } from "../src/hermes/home.js";
import { checkAuthStore, unknownTopLevelKeys } from "../src/hermes/schema.js";
import { RELOGIN_COMMAND } from "../src/xai/constants.js";

export interface StoreParseData {
  /** The file parsed (the profile's own, or the root's when the profile has none). */
  path: string;
  store: Record<string, unknown>;
  fromRoot: boolean;
  /** Profile mode with the profile's own store: the root store Hermes falls back to ({} when unusable). */
  root?: { path: string; store: Record<string, unknown> };
}

interface Finding { code: string; message: string }

export const storeParse: DoctorCheck<StoreParseData> = {
  id: "store.parse",
  title: "Auth store contents",
  layer: "store",
  description: "auth.json parses as JSON and has the shape Hermes accepts (a dict whose providers or credential_pool is a dict).",
  dependsOn: ["store.file"],
  async run(ctx) {
    const file = ctx.data<StoreFileData>("store.file")!;
    const { userHome, platform } = ctx.services;
    const show = (p: string) => tildePath(p, userHome, platform);
    const parsed = parseStoreText(file.text);

    if (!parsed.ok && parsed.kind === "json") {
      const { line, column, problem } = parsed.position;
      return {
        status: "fail",
        code: "store_corrupt",
        summary: `${show(file.path)} is not valid JSON (line ${line}, column ${column}: ${problem}): Hermes copies it to auth.json.corrupt and starts with an empty store`,
        details: {
          path: file.path, line, column, offset: parsed.position.offset, problem,
          hermes: "Hermes logs \"auth: failed to parse ... starting with empty store\", keeps a copy at auth.json.corrupt, and its next save overwrites auth.json: every login in it is lost",
        },
        fixes: [
          { text: `Repair the JSON at line ${line} by hand, or restore auth.json from a backup` },
          { text: "Otherwise sign in again", command: RELOGIN_COMMAND },
        ],
      };
    }
    if (!parsed.ok) {
      return {
        status: "fail",
        code: "store_corrupt",
        summary: `${show(file.path)} is ${parsed.found}, not a Hermes auth store: Hermes silently loads it as an empty store`,
        details: {
          path: file.path, found: parsed.found,
          expected: "a JSON object whose \"providers\" or \"credential_pool\" is an object",
          hermes: "no warning and no auth.json.corrupt copy: Hermes acts logged out and its next save overwrites the file",
        },
        fixes: [
          { text: "Restore auth.json from a backup, or move it aside and sign in again", command: RELOGIN_COMMAND },
        ],
      };
    }

    // Every token in the store, whoever's it is, is a secret from here on.
    for (const s of secretValuesIn(parsed.store)) ctx.services.secrets.add(s);

    const findings: Finding[] = [];
    if (parsed.layout === "legacy_systems") {
      findings.push({
        code: "legacy_store_layout",
        message: "old \"systems\" layout: Hermes migrates only systems.nous_portal from it, so no xAI login survives",
      });
    }
    const corruptPath = `${file.path}.corrupt`;
    const corrupt = await stat(corruptPath).catch(() => undefined);
    if (corrupt?.isFile()) {
      findings.push({
        code: "corrupt_backup_present",
        message: `${show(corruptPath)} exists (${corrupt.size} bytes, saved ${corrupt.mtime.toISOString()}): Hermes moved a broken store aside earlier and started empty; logins that were only in it are lost unless you restore them from it`,
      });
    }
    const shape = checkAuthStore(parsed.store);
    if (!shape.ok) {
      findings.push({
        code: "store_fields_unexpected",
        message: `top-level fields not shaped as Hermes writes them: ${shape.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      });
    }
    const unknown = unknownTopLevelKeys(parsed.store);
    if (unknown.length) {
      findings.push({
        code: "unknown_top_level_keys",
        message: `top-level keys Hermes does not write: ${unknown.map((k) => JSON.stringify(k)).join(", ")} (Hermes keeps them, but another program may be editing auth.json)`,
      });
    }

    const data: StoreParseData = { path: file.path, store: parsed.store, fromRoot: file.fromRoot };
    let rootNote: string | undefined;
    if (file.profileMode && !file.fromRoot) {
      // A malformed root never breaks a profile: Hermes treats it as {} (auth.py _load_global_auth_store).
      let rootStore: Record<string, unknown> = {};
      if (file.rootText !== undefined) {
        const r = parseStoreText(file.rootText);
        if (r.ok) for (const s of secretValuesIn(r.store)) ctx.services.secrets.add(s);
        if (r.ok && r.layout === "hermes") rootStore = r.store;
        else rootNote = "the root auth.json is not a usable store: Hermes ignores it for fallback";
      } else if (file.rootProblem) rootNote = `the root auth.json is ${file.rootProblem}: Hermes ignores it for fallback`;
      data.root = { path: file.rootPath, store: rootStore };
    }

    const providers = parsed.store.providers;
    const pool = parsed.store.credential_pool;
    const names = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : []);
    const details: Record<string, unknown> = {
      path: file.path,
      version: parsed.store.version,
      providers: names(providers),
      credentialPool: names(pool),
      activeProvider: parsed.store.active_provider ?? null,
      ...(typeof parsed.store.updated_at === "string" ? { updatedAt: parsed.store.updated_at } : {}),
      ...(findings.length ? { findings } : {}),
      ...(rootNote ? { root: rootNote } : {}),
    };
    const first = findings[0];
    if (first) {
      return {
        status: "warn",
        code: first.code,
        summary: `${show(file.path)} parses, but ${first.message}${findings.length > 1 ? ` (+${findings.length - 1} more)` : ""}`,
        details,
        ...(first.code === "corrupt_backup_present"
          ? { fixes: [{ text: `Look in ${show(corruptPath)} for logins you still need; delete it once you are done so this warning goes away` }] }
          : {}),
        data,
      };
    }
    return {
      status: "pass",
      summary: `${show(file.path)} is a valid Hermes auth store (providers: ${names(providers).join(", ") || "none"})`,
      details,
      data,
    };
  },
};
