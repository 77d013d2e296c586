import { redirect } from 'next/navigation'
import { AdminPanel } from '@/components/admin-panel'
import { currentUser } from '@/lib/metered'

export default async function AdminPage() {
  const user = await currentUser()
  if (!user) redirect('/signin?callbackUrl=/admin')
  // The role comes from the user store (the admin API checks it again on every call).
  if (user.role !== 'admin') {
    return (
      <>
        <h1>Admin</h1>
        <p role="alert" className="error" data-testid="forbidden">
          Forbidden: this page is for admins only.
        </p>
      </>
    )
  }
  return (
    <>
      <h1>Admin</h1>
      <AdminPanel currentUserId={user.id} />
    </>
  )
}
