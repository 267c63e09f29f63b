// What a transport failure on the way to xAI means for the verdict. One table, used by
// every network check, so "a hang" or "an intercepting proxy" reads the same everywhere.
import type { TransportFailure, TransportKind } from "../net/classify.js";

export type TransportVerdict = "network_unreachable" | "tls_untrusted" | "timed_out";

const BY_KIND: Record<TransportKind, TransportVerdict> = {
  dns: "network_unreachable",
  refused: "network_unreachable",
  reset: "network_unreachable",
  connect_timeout: "network_unreachable",
  proxy_refused: "network_unreachable",
  proxy_unreachable: "network_unreachable",
  ca_file: "tls_untrusted",
  other: "network_unreachable",
  tls_untrusted: "tls_untrusted",
  // An "expired" certificate on a live xAI host is far more often a wrong local clock or an
  // interception box than a real expiry; either way the chain is not trusted here.
  tls_expired: "tls_untrusted",
  tls_hostname: "tls_untrusted",
  tls_other: "tls_untrusted",
  headers_timeout: "timed_out",
  body_timeout: "timed_out",
  timeout: "timed_out",
  aborted: "timed_out",
};

export function transportVerdict(failure: TransportFailure): TransportVerdict {
  return BY_KIND[failure.kind];
}
