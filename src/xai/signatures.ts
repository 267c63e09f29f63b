// The public face of the xAI error-signature catalogue. The parts live in src/xai/signatures/:
// catalogue.ts (the data: one ordered list of signatures), classify.ts (body parsing, evidence,
// matching) and pasted.ts (a body inside a pasted line). src/triage reads text against the same catalogue.
export { SIGNATURES, type BodyKind, type Signature, type SignatureVerdict, type Surface } from "./signatures/catalogue.js";
export { classifyApiResponse, classifyRefreshResponse, classifyEvidence, type ApiErrorClass, type Evidence } from "./signatures/classify.js";
// An xAI body inside a line of pasted text (Hermes' dict repr, `HTTP 403: {...}`), as triage reads it.
export { classifyPastedBody as classifyText, matchPastedBody } from "./signatures/pasted.js";
