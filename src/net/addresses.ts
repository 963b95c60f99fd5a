/**
 * Which IP addresses an outgoing request from the server may never reach: loopback, private, link-local
 * (cloud metadata), shared, reserved, documentation and multicast space, in every form an address can
 * take. IPv6 has several ways of carrying an IPv4 address (mapped, compatible, NAT64, 6to4), so each
 * blocked IPv4 range is blocked again inside each of them; a form that cannot be checked is blocked whole.
 * Node's BlockList does the parsing and matching, so "::ffff:7f00:1" and "::ffff:127.0.0.1" are one address.
 */
import { BlockList, isIP } from "node:net";

/** IPv4 ranges no request may reach (IANA special-purpose registry, minus the globally reachable ones). */
export const BLOCKED_IPV4: ReadonlyArray<readonly [network: string, prefix: number, why: string]> = [
  ["0.0.0.0", 8, "this network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared address space (carrier NAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay anycast (deprecated)"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved and broadcast"],
];

/** IPv6 ranges blocked whole. */
export const BLOCKED_IPV6: ReadonlyArray<readonly [network: string, prefix: number, why: string]> = [
  // Covers unspecified (::), loopback (::1) and the deprecated IPv4-compatible form (::127.0.0.1, ::7f00:1).
  ["::", 96, "unspecified, loopback and IPv4-compatible"],
  ["64:ff9b:1::", 48, "local-use NAT64 (translates into the site's own IPv4 network)"],
  ["100::", 64, "discard-only"],
  // Teredo (2001::/32) hides the real IPv4 server and client; the rest of 2001::/23 is protocol space
  // (benchmarking, ORCHID, AMT) that no webhook receiver lives in.
  ["2001::", 23, "IETF protocol assignments and Teredo"],
  ["2001:db8::", 32, "documentation"],
  ["3fff::", 20, "documentation"],
  ["5f00::", 16, "segment routing identifiers"],
  ["fc00::", 7, "unique local (private)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local (deprecated private)"],
  ["ff00::", 8, "multicast"],
];

/**
 * IPv6 prefixes that carry an IPv4 address in the given bits: the address is blocked when the IPv4 one is.
 * A public IPv4 address inside them stays reachable (a NAT64 network's way to reach a public receiver).
 */
const EMBEDDING: ReadonlyArray<{ why: string; subnet: (octets: number[], prefix: number) => [string, number] }> = [
  { why: "IPv4-mapped", subnet: (octets, prefix) => [`::ffff:${octets.join(".")}`, 96 + prefix] },
  { why: "IPv4-translated", subnet: (octets, prefix) => [`::ffff:0:${octets.join(".")}`, 96 + prefix] },
  { why: "NAT64 well-known prefix", subnet: (octets, prefix) => [`64:ff9b::${octets.join(".")}`, 96 + prefix] },
  {
    why: "6to4",
    subnet: (octets, prefix) => {
      const [a, b, c, d] = octets.map((octet) => octet.toString(16).padStart(2, "0"));
      return [`2002:${a}${b}:${c}${d}::`, 16 + prefix];
    },
  },
];

const BLOCKED = new BlockList();
for (const [network, prefix] of BLOCKED_IPV4) {
  BLOCKED.addSubnet(network, prefix, "ipv4");
  const octets = network.split(".").map(Number);
  for (const form of EMBEDDING) {
    const [embedded, length] = form.subnet(octets, prefix);
    BLOCKED.addSubnet(embedded, length, "ipv6");
  }
}
for (const [network, prefix] of BLOCKED_IPV6) BLOCKED.addSubnet(network, prefix, "ipv6");

/**
 * True for an address no outgoing request may reach. Anything that does not parse as an IP address is
 * blocked too: this answers "is it safe", and an address we cannot read is not known to be.
 */
export function isPrivateAddress(address: string): boolean {
  // A zone index ("fe80::1%eth0") only picks the interface; BlockList does not parse it.
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  const family = isIP(bare);
  if (family === 0) return true;
  return BLOCKED.check(bare, family === 4 ? "ipv4" : "ipv6");
}
