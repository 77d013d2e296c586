export * from './server/identify.js'
export * from './server/problem.js'
