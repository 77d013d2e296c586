import { metered } from '@/lib/metered'

export const { GET, POST } = metered.adminRoutes()
