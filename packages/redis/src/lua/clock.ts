/**
 * Lua shared by every script: the decision time. ARGV[1] is the injected clock's epoch ms, or
 * empty to use the server's `TIME`, so every app server sees one clock whatever their drift.
 * `redis.replicate_commands()` lets a script write after reading `TIME` on Redis 3.2-4.x (it is
 * the only mode from Redis 5 on, where the call is a harmless no-op).
 */
export const LUA_NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

/**
 * Concatenates script parts. A pure-marked call rather than a template with `${}`, which a
 * bundler must keep as a possible side effect: an app that never runs the script drops it.
 */
export function luaJoin(...parts: Array<string | number>): string {
  return parts.join('')
}
