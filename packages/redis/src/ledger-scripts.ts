import { LEDGER_BALANCE_LUA } from './lua/ledger-balance.js'
import { LEDGER_DEBIT_LUA } from './lua/ledger-debit.js'
import { LEDGER_GRANT_LUA } from './lua/ledger-grant.js'
import { LEDGER_GRANT_LOOKUP_LUA } from './lua/ledger-grant-lookup.js'
import { LEDGER_HISTORY_LUA } from './lua/ledger-history.js'
import { LEDGER_RELEASE_LUA } from './lua/ledger-release.js'
import { LEDGER_RESERVE_LUA } from './lua/ledger-reserve.js'
import { LEDGER_REVOKE_LUA } from './lua/ledger-revoke.js'
import { LEDGER_SETTLE_LUA } from './lua/ledger-settle.js'
import { LEDGER_VERIFY_LUA } from './lua/ledger-verify.js'
import { defineScript } from './script.js'

/** One script per ledger operation; each is loaded once per server and run by SHA1. */
export const ledgerScripts = {
  grant: /* @__PURE__ */ defineScript('ledger grant', LEDGER_GRANT_LUA),
  debit: /* @__PURE__ */ defineScript('ledger debit', LEDGER_DEBIT_LUA),
  reserve: /* @__PURE__ */ defineScript('ledger reserve', LEDGER_RESERVE_LUA),
  settle: /* @__PURE__ */ defineScript('ledger settle', LEDGER_SETTLE_LUA),
  release: /* @__PURE__ */ defineScript('ledger release', LEDGER_RELEASE_LUA),
  revoke: /* @__PURE__ */ defineScript('ledger revoke', LEDGER_REVOKE_LUA),
  grantLookup: /* @__PURE__ */ defineScript('ledger grant lookup', LEDGER_GRANT_LOOKUP_LUA),
  balance: /* @__PURE__ */ defineScript('ledger balance', LEDGER_BALANCE_LUA),
  history: /* @__PURE__ */ defineScript('ledger history', LEDGER_HISTORY_LUA),
  verify: /* @__PURE__ */ defineScript('ledger verify', LEDGER_VERIFY_LUA),
}
