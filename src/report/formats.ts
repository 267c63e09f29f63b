/** The report formats, apart from the renderers so flag parsing loads none of them. */
export const FORMATS = ["text", "json", "junit", "markdown"] as const;
export type Format = (typeof FORMATS)[number];
