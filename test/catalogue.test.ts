import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../checks/index.js";
import { BUILTIN_CHECKS } from "../checks/catalogue.js";
import { checkEntry } from "../src/cli/list-checks.js";

describe("the checks catalogue (checks/catalogue.ts, what `hermes-doctor checks` lists)", () => {
  it("is exactly the registry's built-in checks, in order (run `npm run catalogue` after changing a check)", () => {
    expect(BUILTIN_CHECKS).toEqual(builtinRegistry().list().map(checkEntry));
  });
});
