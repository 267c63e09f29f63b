// The triage result's schemaVersion, apart from the zod model (./model.ts) so that triage loads
// no schema library: runtime code imports this, and the model only as types.
export const TRIAGE_SCHEMA_VERSION = 1;
