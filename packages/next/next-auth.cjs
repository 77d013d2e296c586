// Types only: see next-auth.d.ts. This module exists so that the entry also resolves at run time.
module.exports = {}
