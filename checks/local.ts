// The local checks, in report order (each one's dependencies come before it).
import type { DoctorCheck } from "./context.js";
import { storeHome } from "./store-home.js";
import { storeRecover } from "./store-recover.js";
import { storeFile } from "./store-file.js";
import { storeParse } from "./store-parse.js";
import { storePermissions } from "./store-permissions.js";
import { xaiState } from "./xai-state.js";
import { xaiCredential } from "./xai-credential.js";
import { configProvider } from "./config-provider.js";
import { configModel } from "./config-model.js";
import { configRoute } from "./config-route.js";
import { tokenClaims } from "./token-claims.js";
import { tokenExpiry } from "./token-expiry.js";
import { tokenForks } from "./token-forks.js";

export const localChecks: readonly DoctorCheck<any>[] = [
  storeHome,
  storeRecover,
  storeFile,
  storeParse,
  storePermissions,
  xaiState,
  xaiCredential,
  configProvider,
  configRoute,
  configModel,
  tokenClaims,
  tokenExpiry,
  tokenForks,
];

export {
  storeHome, storeRecover, storeFile, storeParse, storePermissions, xaiState, xaiCredential,
  configProvider, configRoute, configModel, tokenClaims, tokenExpiry, tokenForks,
};
