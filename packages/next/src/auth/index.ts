export { type AuthOptionsLike, mergeAuthOptions } from './merge-auth-options.js'
export { meteredAuth } from './metered-auth.js'
export type {
  AuthUserLike,
  JwtParamsLike,
  MeteredAuth,
  MeteredAuthOptions,
  MeteredSessionUser,
  RequestInfo,
  SessionLikeObject,
  SessionParamsLike,
  SignInMessageLike,
  TokenLike,
} from './types.js'
