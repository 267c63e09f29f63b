/** An environment snapshot: the library never reads process.env behind the caller's back. */
export type Env = Readonly<Record<string, string | undefined>>;

/** CI as the usual tools read it: set to anything but "", "0" or "false". */
export function isCi(env: Env): boolean {
  const v = env.CI;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}
