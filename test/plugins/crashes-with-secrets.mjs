// A plugin whose result cannot be serialised: its details throw when the report is built, which is
// after the runner's isolation, so the error reaches the CLI's last-resort handler (exit 3). The
// error quotes every kind of secret the run knew (store tokens, .env and config.yaml values, the
// proxy password, the API key in the environment): the handler must redact all of them.
import { readFile } from "node:fs/promises";
import path from "node:path";

export default {
  id: "plugin.crashes_with_secrets",
  title: "A check whose details cannot be serialised",
  layer: "store",
  description: "Returns details whose toJSON throws an error quoting the run's secrets.",
  dependsOn: ["store.file", "config.provider"],
  async run(ctx) {
    const { authPath, home } = ctx.data("store.home");
    const tokens = JSON.parse(await readFile(authPath, "utf8")).providers?.["xai-oauth"]?.tokens ?? {};
    const dotenv = (await readFile(path.join(home, ".env"), "utf8").catch(() => "")).split("\n").map((l) => l.split("=").slice(1).join("=")).filter(Boolean);
    const config = /api_key:\s*(\S+)/.exec(await readFile(path.join(home, "config.yaml"), "utf8").catch(() => ""))?.[1];
    const env = ctx.services.env;
    const proxyPassword = env.HTTPS_PROXY ? decodeURIComponent(new URL(env.HTTPS_PROXY).password) : undefined;
    const leak = [tokens.access_token, tokens.refresh_token, tokens.id_token, ...dotenv, config, proxyPassword, env.XAI_API_KEY].filter(Boolean).join(" | ");
    return {
      status: "pass",
      summary: "looked fine",
      details: { toJSON() { throw new Error(`cannot serialise the details: ${leak}\nsecond line ${leak}`); } },
    };
  },
};
