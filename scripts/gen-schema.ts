// Writes docs/report.schema.json from the zod report model (npm run schema).
// test/report-schema.test.ts fails when the committed file drifts from the model.
import { writeFileSync } from "node:fs";
import { reportJsonSchema } from "../src/report/schema.js";

const target = new URL("../../docs/report.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
