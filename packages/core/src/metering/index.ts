export type * from './authorizer-types.js'
export * from './create-metered.js'
export { periodOf } from './periods.js'
export type * from './types.js'
