export default function Home() {
  return <main>metered next matrix</main>
}
