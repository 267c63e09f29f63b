// The public face of the xAI error-signature catalogue. The parts live in src/xai/signatures/:
// catalogue.ts (the data: one ordered list of signatures) and classify.ts (body parsing, evidence,
// matching). Pasted text is read by src/triage, against the same catalogue.
export { SIGNATURES, type BodyKind, type Signature, type SignatureVerdict, type Surface } from "./signatures/catalogue.js";
export { classifyApiResponse, classifyRefreshResponse, classifyEvidence, type ApiErrorClass, type Evidence } from "./signatures/classify.js";
