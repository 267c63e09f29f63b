// A real XML parser for tests: any warning, error or fatal error from @xmldom/xmldom fails the test.
import { DOMParser } from "@xmldom/xmldom";

export function parseXml(xml: string) {
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      throw new Error(`XML ${level}: ${message}`);
    },
  });
  return parser.parseFromString(xml, "text/xml");
}

/** Every element with this tag name, as an array. */
export function elements(doc: { getElementsByTagName(name: string): ArrayLike<any> }, tag: string): any[] {
  return Array.from(doc.getElementsByTagName(tag));
}
