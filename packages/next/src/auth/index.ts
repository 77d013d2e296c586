export {
  type BetterAuthHookContextLike,
  type BetterAuthLike,
  type BetterAuthSessionLike,
  type BetterAuthSessionRowLike,
  type BetterAuthUserRowLike,
  type BetterAuthUsersLike,
  betterAuthIdentify,
  betterAuthProvider,
  type MeteredBetterAuthOptions,
  type MeteredBetterAuthPlugin,
  meteredBetterAuth,
} from './better-auth.js'
export { DEV_IDENTITY_HEADER, type DevIdentityOptions, devIdentity } from './dev-identity.js'
export { type AuthOptionsLike, mergeAuthOptions } from './merge-auth-options.js'
export { meteredAuth } from './metered-auth.js'
export type {
  AuthUserLike,
  JwtParamsLike,
  MeteredAuth,
  MeteredAuthOptions,
  MeteredAuthParts,
  MeteredAuthSource,
  MeteredSessionUser,
  SessionLikeObject,
  SessionParamsLike,
  SignInMessageLike,
  SignInRequestInfo,
  TokenLike,
} from './types.js'
