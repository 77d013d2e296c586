export {
  type AuthorizerCheck,
  type AuthorizerCheckContext,
  authorizerChecks,
  authorizerSuite,
} from './authorizer-suite.js'
export {
  badAmounts,
  badCounts,
  badIdLengths,
  badIds,
  badMetadata,
  badStrings,
  edgeIds,
  edgeMetadata,
  type Hostile,
  nested,
} from './hostile-inputs.js'
export {
  type LedgerCheck,
  type LedgerCheckContext,
  type LedgerCheckName,
  type LedgerOp,
  ledgerChecks,
  ledgerOps,
  ledgerSuite,
  runAgainstModel,
} from './ledger-suite.js'
export {
  alignTo,
  type LimiterCheck,
  type LimiterCheckContext,
  type LimiterCheckName,
  limiterCheckContext,
  limiterStoreChecks,
  limiterStoreSuite,
} from './limiter-store-suite.js'
export {
  assertProperty,
  DEFAULT_SEED,
  propertySeed,
} from './seeded.js'
export type {
  AuthorizerHarness,
  HarnessFactory,
  LedgerHarness,
  LedgerRawReaders,
  LimiterStoreHarness,
  SuiteContext,
  SuiteOptions,
  UsageHarness,
  UsersHarness,
} from './types.js'
export {
  type UsageCheck,
  type UsageCheckEnv,
  type UsageCheckName,
  usageChecks,
  usageSuite,
} from './usage-suite.js'
export {
  type UsersCheck,
  type UsersCheckEnv,
  type UsersCheckName,
  usersChecks,
  usersSuite,
} from './users-suite.js'
