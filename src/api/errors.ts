/**
 * A bad option value given to the library (or a flag, through the CLI): one line that says what is
 * wrong and what would be right. The CLI prints it as a usage error (exit 2).
 */
export class OptionsError extends Error {
  override readonly name = "OptionsError";
}
