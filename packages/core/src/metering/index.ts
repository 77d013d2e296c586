export * from './create-metered.js'
export { periodOf } from './periods.js'
export type * from './types.js'
