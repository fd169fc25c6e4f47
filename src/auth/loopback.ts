import { isIPv4 } from 'node:net';

/**
 * Loopback hosts (RFC 6890: 127.0.0.0/8, ::1; RFC 6761 §6.3: "localhost"), as `URL.hostname`
 * spells them. The WHATWG URL parser has already normalised `127.1`, `0x7f.0.0.1` and
 * `2130706433` to dotted quads and wrapped IPv6 in brackets.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}
