/** A JSON object (Python dict), as opposed to an array, null or a scalar. */
export const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
