import { redirect } from 'next/navigation'
import { ProfileDashboard } from '@/components/profile-dashboard'
import { currentUser } from '@/lib/metered'

export default async function ProfilePage() {
  const user = await currentUser()
  if (!user) redirect('/signin?callbackUrl=/profile')
  return (
    <>
      <h1>Your profile</h1>
      <p>
        {user.name ?? user.email} {user.email && user.name ? <span className="muted">({user.email})</span> : null}
        {user.role === 'admin' && <span className="badge">admin</span>}
      </p>
      <ProfileDashboard />
    </>
  )
}
