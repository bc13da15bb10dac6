import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/**
 * The address throttling counts against. req.ip reads X-Forwarded-For only when
 * TRUST_PROXY set Express's `trust proxy`; otherwise it is the socket's peer, so a
 * client cannot pick a fresh address per request by sending the header itself.
 */
export function clientAddress(req: Request): string {
  return addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

// A port after the address, as some proxies write it: `203.0.113.9:4711`, `[2001:db8::1]:443`.
const bracketed = /^\[([^\]]+)\](?::\d+)?$/;
const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/;

/**
 * One key per client, however its address is written, or each spelling would get its own
 * count: canonical IPv6 (lower case, zeros compressed), an IPv4-mapped IPv6 address as the
 * IPv4 address it carries, no port, no zone. An IPv6 client counts by its /64: one host
 * routinely holds a whole /64 (privacy addresses, a VPS's allotment) and may pick any of
 * its 2^64 addresses per request, while a /64 is the smallest block an ISP hands out.
 * Anything that is not an address (a proxy's mistake) counts as its own lower-cased text.
 */
export function addressKey(raw: string): string {
  const text = raw.trim();
  const unwrapped = bracketed.exec(text)?.[1] ?? ipv4WithPort.exec(text)?.[1] ?? text;
  const withoutZone = unwrapped.replace(/%.*$/, '');
  if (!ipaddr.isValid(withoutZone)) return text.toLowerCase();
  const address = ipaddr.process(withoutZone);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}
