// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import { metered } from '@/lib/metered'

// Admins only (the role is read from the user store): users, user detail, role, history, usage
export const { GET, POST } = metered.adminRoutes()
