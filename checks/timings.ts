import type { Timings } from "../src/net/http.js";

/** "DNS 3 ms, TCP 21 ms, TLS 40 ms, total 180 ms" — only the phases that were measured. */
export function describeTimings(t: Timings): string {
  const parts: string[] = [];
  if (t.dnsMs !== undefined) parts.push(`DNS ${Math.round(t.dnsMs)} ms`);
  if (t.tcpMs !== undefined) parts.push(`TCP ${Math.round(t.tcpMs)} ms`);
  if (t.tlsMs !== undefined) parts.push(`TLS ${Math.round(t.tlsMs)} ms`);
  parts.push(`total ${Math.round(t.totalMs)} ms`);
  return parts.join(", ");
}
