// Per-connection DNS/TCP/TLS timings: wrap undici's buildConnector, whose
// connector returns the socket synchronously, and listen for lookup/connect/secureConnect.
// A connection is attributed to the request that first sends headers on it, via the
// diagnostics channels undici:request:create and undici:client:sendHeaders.

import diagnosticsChannel from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import type { buildConnector } from "undici";

export interface Timings {
  dnsMs?: number;
  tcpMs?: number;
  tlsMs?: number;
  ttfbMs?: number;
  totalMs: number;
}

/** Raw timestamps (performance.now()) of one connection attempt. */
export interface ConnPhases {
  start: number;
  lookupAt?: number;
  connectAt?: number;
  secureAt?: number;
  claimed: boolean;
}

/** A request in flight, as our client tracks it. */
export interface RequestTrace {
  phases?: ConnPhases;
}

type Connector = buildConnector.connector;
interface EventSource {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
}

const socketPhases = new WeakMap<object, ConnPhases>();
const errorPhases = new WeakMap<object, ConnPhases>();
const requestTraces = new WeakMap<object, RequestTrace>();

/** Wraps a connector so every socket it makes records its phase timestamps. */
export function timedConnector(inner: Connector): Connector {
  return (options, callback) => {
    const phases: ConnPhases = { start: performance.now(), claimed: false };
    const socket = (inner as (o: typeof options, cb: typeof callback) => unknown)(options, (err, sock) => {
      // A failed connection cannot be claimed through sendHeaders; key it by the error,
      // which undici hands unchanged to the request's promise.
      if (err) errorPhases.set(err, phases);
      (callback as (e: Error | null, s: unknown) => void)(err, sock);
    });
    if (socket && typeof (socket as EventSource).once === "function") {
      const s = socket as EventSource;
      socketPhases.set(socket as object, phases);
      s.once("lookup", (err: unknown) => {
        if (!err) phases.lookupAt = performance.now();
      });
      s.once("connect", () => (phases.connectAt = performance.now()));
      s.once("secureConnect", () => (phases.secureAt = performance.now()));
    }
  };
}

let subscribers = 0;
let pending: RequestTrace | undefined;

function onCreate(message: unknown): void {
  const request = (message as { request?: object }).request;
  if (pending && request) {
    requestTraces.set(request, pending);
    pending = undefined;
  }
}

function onSendHeaders(message: unknown): void {
  const { request, socket } = message as { request?: object; socket?: object };
  if (!request || !socket) return;
  const trace = requestTraces.get(request);
  const phases = socketPhases.get(socket);
  // Only the first request on a socket pays for its setup; a reused socket reports none.
  if (trace && phases && !phases.claimed) {
    phases.claimed = true;
    trace.phases = phases;
  }
}

/** Subscribes to the undici channels while at least one client is open. */
export function retainChannels(): () => void {
  if (subscribers++ === 0) {
    diagnosticsChannel.subscribe("undici:request:create", onCreate);
    diagnosticsChannel.subscribe("undici:client:sendHeaders", onSendHeaders);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--subscribers === 0) {
      diagnosticsChannel.unsubscribe("undici:request:create", onCreate);
      diagnosticsChannel.unsubscribe("undici:client:sendHeaders", onSendHeaders);
    }
  };
}

/**
 * Runs `dispatch` (which must synchronously call undici's request()) with `trace` marked as
 * the request being created: undici builds its Request object synchronously inside dispatch.
 */
export function traced<T>(trace: RequestTrace, dispatch: () => T): T {
  pending = trace;
  try {
    return dispatch();
  } finally {
    pending = undefined;
  }
}

/** Phases of the failed connection that produced `err`, if ours. */
export function phasesForError(err: unknown): ConnPhases | undefined {
  return err && typeof err === "object" ? errorPhases.get(err) : undefined;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Converts timestamps into durations; phases that did not happen stay undefined. */
export function toTimings(start: number, end: number, phases: ConnPhases | undefined, headersAt: number | undefined): Timings {
  const t: Timings = { totalMs: round(end - start) };
  if (phases) {
    if (phases.lookupAt !== undefined) t.dnsMs = round(phases.lookupAt - phases.start);
    if (phases.connectAt !== undefined) t.tcpMs = round(phases.connectAt - (phases.lookupAt ?? phases.start));
    if (phases.secureAt !== undefined && phases.connectAt !== undefined) t.tlsMs = round(phases.secureAt - phases.connectAt);
  }
  if (headersAt !== undefined) t.ttfbMs = round(headersAt - start);
  return t;
}
