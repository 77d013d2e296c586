/**
 * Forgets rule states: KEYS are the state keys of the (key, name) pairs to reset.
 * One DEL, one round trip, whatever the number of rules.
 */
export const LIMITER_RESET_LUA = `
return redis.call('DEL', unpack(KEYS))
`
