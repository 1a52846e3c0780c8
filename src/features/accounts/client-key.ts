// Which "client" a request comes from, for limits. An IPv4 address is one client; an IPv6
// address is grouped by its /64 network, because one household or office gets a whole /64 and
// picks a fresh address from it at will.
import { isIPv4, isIPv6 } from 'node:net'

/** Expands an IPv6 address into its eight groups (numbers), or undefined if it is none. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address
  // An IPv4 tail (::ffff:192.0.2.1) becomes the last two groups.
  const tail = text.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1]
  if (tail) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number)
    text = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] ? halves[0].split(':') : []
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest]
  return groups.map((group) => Number.parseInt(group, 16))
}

/**
 * The key of the client for an address as Fastify reports it (`request.ip`): IPv4 as it is
 * (also when written IPv4-mapped, `::ffff:192.0.2.1`), IPv6 as its /64 (`2001:db8:1:2::/64`).
 */
export function clientKey(ip: string): string {
  const address = ip.replace(/%.*$/, '').toLowerCase()
  if (isIPv4(address)) return address
  if (!isIPv6(address)) return address
  const groups = ipv6Groups(address)
  if (!groups) return address
  const isMappedIPv4 = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff
  if (isMappedIPv4) {
    const [high = 0, low = 0] = groups.slice(6)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}
