import { AccountPanel } from './panel'

export default function AccountPage() {
  return <AccountPanel available={12.5} />
}
