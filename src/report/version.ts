// The report's schemaVersion, apart from the zod model (./model.ts) so that writing a report
// loads no schema library: runtime code imports this, and the model only as types.
export const SCHEMA_VERSION = 1;
