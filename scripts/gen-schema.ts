// Writes every JSON Schema in src/report/schema.ts SCHEMAS to docs/ (npm run schema).
// test/report.test.ts fails when a committed file drifts from its model.
import { writeFileSync } from "node:fs";
import { SCHEMAS } from "../src/report/schema.js";

for (const { file, build } of Object.values(SCHEMAS)) {
  const target = new URL(`../../${file}`, import.meta.url);
  writeFileSync(target, `${JSON.stringify(build(), null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}
