export default function Page() {
  return <p>metered smoke app</p>
}
