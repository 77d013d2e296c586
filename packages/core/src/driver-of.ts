/**
 * Where a port built by a `*From` builder keeps its driver. `Symbol.for`, so a port made by one
 * copy of `@metered/core` (ESM) is recognised by another (CJS) in the same process.
 */
export const DRIVER: unique symbol = Symbol.for('metered.driver') as never

/**
 * Puts `driver` on `port` under `DRIVER`, non-enumerable: spreading or logging the port does
 * not show it, and a wrapper object around the port does not inherit it (so a wrapper's own
 * behaviour is never skipped).
 */
export function attachDriver<P extends object, D>(port: P, driver: D): P {
  Object.defineProperty(port, DRIVER, { value: driver, enumerable: false })
  return port
}

/**
 * The driver behind a port built by a `*From` builder, or undefined for any other object. Core's
 * own layers call it with values they planned or normalised themselves, so nothing is validated
 * twice; everyone else goes through the port, which validates.
 */
export function driverOf<D>(port: object): D | undefined {
  return Object.hasOwn(port, DRIVER) ? (port as Record<typeof DRIVER, D>)[DRIVER] : undefined
}
