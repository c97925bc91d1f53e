import ipaddr from 'ipaddr.js';

/**
 * How an IPv6 address carries an IPv4 address, and whether the IPv6 prefix itself must also be
 * routable: for ISATAP only the interface identifier embeds the IPv4 address, so the prefix is
 * judged too; for the other forms the IPv4 address is where packets end up.
 */
export interface EmbeddedIPv4 {
  /** The IPv4 address the IPv6 address leads to. */
  ipv4: ipaddr.IPv4;
  /** The form: ipv4Mapped, ipv4Translated, ipv4Compatible, nat64, 6to4, teredo or isatap. */
  form: 'ipv4Mapped' | 'ipv4Translated' | 'ipv4Compatible' | 'nat64' | '6to4' | 'teredo' | 'isatap';
  /** True when the IPv6 address must also be judged on its own (ISATAP: the prefix routes it). */
  judgePrefix: boolean;
}

const fromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 address an IPv6 address embeds, by the standard forms: IPv4-mapped `::ffff:a.b.c.d`
 * (RFC 4291), IPv4-translated `::ffff:0:a.b.c.d` (RFC 6145), IPv4-compatible `::a.b.c.d`
 * (RFC 4291, deprecated; `::` and `::1` excluded), NAT64 `64:ff9b::/96` (RFC 6052) and
 * `64:ff9b:1::/48` (RFC 8215, low 32 bits), 6to4 `2002:AABB:CCDD::/48` (RFC 3056, bits 16–47),
 * Teredo `2001:0::/32` (RFC 4380: the client is the low 32 bits inverted) and ISATAP
 * `…:0:5efe:a.b.c.d` or `…:200:5efe:a.b.c.d` (RFC 5214, the interface identifier).
 * @returns undefined when the address embeds none
 */
export function embeddedIPv4(address: ipaddr.IPv6): EmbeddedIPv4 | undefined {
  const parts = address.parts;
  const low = (ipv4: ipaddr.IPv4, form: EmbeddedIPv4['form'], judgePrefix = false): EmbeddedIPv4 => ({
    ipv4,
    form,
    judgePrefix,
  });
  const last = fromWords(parts[6], parts[7]);
  const zeroUpTo = (n: number) => parts.slice(0, n).every((part) => part === 0);
  if (zeroUpTo(5) && parts[5] === 0xffff) return low(last, 'ipv4Mapped');
  if (zeroUpTo(4) && parts[4] === 0xffff && parts[5] === 0) return low(last, 'ipv4Translated');
  if (zeroUpTo(6) && !(parts[6] === 0 && parts[7] <= 1)) return low(last, 'ipv4Compatible');
  if (address.range() === 'rfc6052') return low(last, 'nat64');
  if (address.range() === '6to4') return low(fromWords(parts[1], parts[2]), '6to4');
  if (address.range() === 'teredo') return low(fromWords(parts[6] ^ 0xffff, parts[7] ^ 0xffff), 'teredo');
  // The u/g bits of the interface identifier may be set (0200: globally unique IPv4 address).
  if ((parts[4] & 0xfcff) === 0 && parts[5] === 0x5efe) return low(last, 'isatap', true);
  return undefined;
}
