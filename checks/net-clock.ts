import type { DoctorCheck } from "./context.js";
import type { ApiReachData } from "./net-api.js";
import { formatSeconds } from "./support.js";

export interface ClockData {
  /** Server time minus local time, ms (0 when unknown). Token expiry is judged on server time. */
  skewMs: number;
}

// The Date header has 1 s resolution. Beyond a minute, short-lived tokens (Hermes' 120 s
// refresh skew, auth_xai.py) are misjudged; beyond 5 minutes expiry checks go wrong.
const WARN_SEC = 60;
const FAIL_SEC = 300;

export const netClock: DoctorCheck<ClockData> = {
  id: "net.clock",
  title: "Clock agrees with xAI",
  layer: "network",
  description: "Compares this machine's clock with the xAI API's Date header; token expiry is judged on the real time.",
  dependsOn: ["net.api"],
  async run(ctx) {
    const reach = ctx.data<ApiReachData>("net.api")!;
    if (!reach.serverDate) {
      return { status: "warn", code: "no_server_date", summary: "the API sent no Date header; clock not compared", data: { skewMs: 0 } };
    }
    const skewMs = reach.serverDate.getTime() - reach.localAt;
    const sec = skewMs / 1000;
    const direction = sec > 0 ? "behind" : "ahead of";
    const details = { skewSeconds: Math.round(sec), serverDate: reach.serverDate.toISOString() };
    if (Math.abs(sec) > FAIL_SEC) {
      return {
        status: "fail",
        code: "clock_skew",
        summary: `this clock is ${formatSeconds(sec)} ${direction} xAI's: token expiry is misjudged`,
        details,
        fixes: [{ text: "Turn on time synchronisation", command: "timedatectl set-ntp true" }],
        data: { skewMs },
      };
    }
    if (Math.abs(sec) > WARN_SEC) {
      return { status: "warn", code: "clock_drift", summary: `this clock is ${formatSeconds(sec)} ${direction} xAI's`, details, data: { skewMs } };
    }
    return { status: "pass", summary: `clock within ${formatSeconds(Math.max(1, Math.abs(sec)))} of xAI's`, details, data: { skewMs } };
  },
};
