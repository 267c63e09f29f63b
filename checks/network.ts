// The network half, in layer order: network, login, entitlement. --offline skips all of it.
import type { DoctorCheck } from "./context.js";
import { netEndpoints } from "./net-endpoints.js";
import { netIssuer } from "./net-issuer.js";
import { netApi } from "./net-api.js";
import { netClock } from "./net-clock.js";
import { loginDiscovery } from "./login-discovery.js";
import { loginRefresh } from "./login-refresh.js";
import { loginUserinfo } from "./login-userinfo.js";
import { apiModels } from "./api-models.js";
import { entitlementInference } from "./entitlement-inference.js";
import { apikeyProbe } from "./apikey-probe.js";
import { accountSubscription } from "./account-subscription.js";

export const networkChecks: readonly DoctorCheck<any>[] = [
  netEndpoints,
  netIssuer,
  netApi,
  netClock,
  loginDiscovery,
  loginRefresh,
  loginUserinfo,
  apiModels,
  entitlementInference,
  apikeyProbe,
  accountSubscription,
];
