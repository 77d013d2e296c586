/**
 * First step of revoke by grant idempotency key: the key's record says which grant (and so
 * which account) it created. Records are never rewritten, so the revoke that follows in a
 * second call cannot see a different answer. The revoke's own key is checked here too, so a
 * replayed revoke costs one round trip.
 *
 * KEYS 1 the grant key's record, 2 the revoke key's record (or KEYS[1] again), both the account's
 *      (under its hash tag, so this call touches one cluster slot)
 * ARGV 1 the revoke's fingerprint or ''
 */
export const LEDGER_GRANT_LOOKUP_LUA = `
if ARGV[1] ~= '' then
  local own = redis.call('HMGET', KEYS[2], 'f', 'r')
  if own[1] then
    if own[1] ~= ARGV[1] then return '{"s":"conflict"}' end
    return '{"s":"replay","r":' .. own[2] .. '}'
  end
end
local rec = redis.call('HMGET', KEYS[1], 'f', 'r')
if not rec[1] or string.sub(rec[1], 1, 6) ~= 'grant|' then
  return '{"s":"ok","r":{"ok":false,"reason":"grant_not_found"}}'
end
return '{"s":"grant","r":' .. rec[2] .. '}'
`
