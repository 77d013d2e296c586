// the app's PrismaClient (see ../types/prisma-adapter.d.ts)
export const prisma: unknown = {}
