import { metered } from '@/lib/metered'

// Admins only (role from the user store): users list, user detail, set role, history, usage
export const { GET, POST } = metered.adminRoutes()
