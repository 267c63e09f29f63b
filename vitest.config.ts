import { defineConfig } from "vitest/config";

// The JSON report feeds .ci/run's one-line "N passed, N failed" summary.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
