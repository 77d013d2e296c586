import { createMemoryUserStore } from '../src/memory/memory-users.js'
import { usersSuite } from '../src/testing/users-suite.js'

usersSuite('memory', ({ clock }) => ({ users: createMemoryUserStore({ clock }) }))
