// A stand-in for a library the docs show but the check does not install: @next-auth/prisma-adapter
// needs a Prisma client generated from a schema. Its real signature, as far as the docs use it.
declare module '@next-auth/prisma-adapter' {
  export function PrismaAdapter(prisma: unknown): import('next-auth/adapters').Adapter
}
