/** Which addresses no outgoing request may reach, in every written form an address can take. */
import { describe, expect, it } from "vitest";
import { isPrivateAddress } from "../../src/net/addresses.js";

const BLOCKED: Array<[address: string, why: string]> = [
  ["127.0.0.1", "IPv4 loopback"],
  ["127.255.255.254", "the whole loopback /8"],
  ["10.1.2.3", "private"],
  ["172.20.0.1", "private"],
  ["192.168.1.1", "private"],
  ["169.254.169.254", "link-local: cloud metadata"],
  ["100.64.0.1", "carrier NAT"],
  ["0.0.0.0", "this network"],
  ["192.0.2.10", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["224.0.0.251", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["::", "unspecified"],
  ["::1", "IPv6 loopback"],
  ["[::1]", "bracketed as in a URL"],
  ["::ffff:127.0.0.1", "IPv4-mapped, dotted"],
  ["::ffff:7f00:1", "IPv4-mapped, hex"],
  ["::FFFF:A9FE:A9FE", "IPv4-mapped metadata, upper case"],
  ["0:0:0:0:0:ffff:10.0.0.1", "IPv4-mapped, written out"],
  ["::ffff:0:a9fe:a9fe", "IPv4-translated metadata"],
  ["::127.0.0.1", "IPv4-compatible, dotted"],
  ["::7f00:1", "IPv4-compatible, hex"],
  ["::a9fe:a9fe", "IPv4-compatible metadata"],
  ["64:ff9b::a9fe:a9fe", "NAT64 of metadata"],
  ["64:ff9b::127.0.0.1", "NAT64 of loopback"],
  ["64:ff9b::c0a8:101", "NAT64 of a private address"],
  ["64:ff9b:1::808:808", "local-use NAT64, whatever it embeds"],
  ["2002:a9fe:a9fe::1", "6to4 of metadata"],
  ["2002:7f00:1::", "6to4 of loopback"],
  ["2002:0a00:0001:1::5", "6to4 of a private address"],
  ["2001::1", "Teredo"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo with an embedded server and client"],
  ["2001:2::1", "benchmarking"],
  ["2001:db8::1", "documentation"],
  ["3fff::1", "documentation"],
  ["100::1", "discard-only"],
  ["fc00::1", "unique local"],
  ["fd12:3456:789a::1", "unique local"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local with a zone"],
  ["febf::1", "the end of link-local"],
  ["fec0::1", "site-local"],
  ["feff::1", "the end of site-local"],
  ["ff02::1", "multicast"],
  ["not-an-address", "unreadable"],
  ["", "empty"],
];

const ALLOWED: Array<[address: string, why: string]> = [
  ["93.184.216.34", "public IPv4"],
  ["8.8.8.8", "public IPv4"],
  ["1.1.1.1", "public IPv4"],
  ["2606:4700::1111", "public IPv6"],
  ["2a00:1450:4001:80b::200e", "public IPv6"],
  ["::ffff:8.8.8.8", "IPv4-mapped public"],
  ["::ffff:808:808", "IPv4-mapped public, hex"],
  ["64:ff9b::808:808", "NAT64 of a public address"],
  ["2002:808:808::1", "6to4 of a public address"],
  ["2001:4860:4860::8888", "public, just past the protocol /23"],
  ["172.32.0.1", "just past 172.16/12"],
  ["100.128.0.1", "just past carrier NAT"],
];

describe("isPrivateAddress", () => {
  it.each(BLOCKED)("blocks %s (%s)", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(ALLOWED)("lets %s through (%s)", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});
