import { getServerSession } from 'next-auth'
import { authOptions } from './lib/auth'

// Auth.js v5's `auth()` as the docs call it; next-auth v4 (installed here) gives the same session
export const auth = () => getServerSession(authOptions)
