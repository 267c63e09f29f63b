// The last stop of an unexpected error (main.ts's catch): one line and exit 3, never a stack trace
// (HERMES_DOCTOR_DEBUG=1 adds one) and never a secret. An error thrown deep in a run may quote
// anything the run touched, so its message is redacted with every secret this process knew: the
// registry each command hands its runs (tokens read from the stores, API keys, .env and config
// values) and the secrets of the environment (proxy passwords, secret-named variables).
import { EXIT } from "../diagnosis/verdicts.js";
import { SecretRegistry, secretsInVariables } from "../engine/secrets.js";
import { redactString } from "../report/redact.js";
import type { IO } from "./io.js";

/** Every secret any run of this process touched: commands pass it to the library as `secrets`. */
export const processSecrets = new SecretRegistry();

/** Writes the redacted internal-error message and returns the exit code (3). Never throws. */
export function reportCrash(err: unknown, io: IO): number {
  const secrets = new SecretRegistry();
  for (const s of [...processSecrets.values(), ...secretsInVariables(io.env)]) secrets.add(s);
  const redact = (text: string) => redactString(text, secrets.values());
  io.stderr.write(`hermes-doctor: internal error: ${redact(describe(err)).split("\n")[0] ?? ""}\n`);
  if (io.env.HERMES_DOCTOR_DEBUG && err instanceof Error && typeof err.stack === "string") io.stderr.write(`${redact(err.stack)}\n`);
  io.stderr.write("This is a bug in hermes-doctor; please report it with the command you ran.\n");
  return EXIT.internal;
}

/** The error's message; a thrown value whose String() throws is still described. */
function describe(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return "an error that cannot be described";
  }
}
