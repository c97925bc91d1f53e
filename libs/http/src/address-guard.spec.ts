import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './address-guard';
import { embeddedIPv4 } from './embedded-ipv4';
import { assertFetchableUrl } from './fetchable-url';

/** Every IPv6 form that carries an IPv4 address, spelled for `ipv4` (an IPv4 address in dotted form). */
function embeddings(ipv4: string): Record<string, string> {
  const [a, b, c, d] = ipaddr.IPv4.parse(ipv4).octets;
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  const inverted = (high: number, low: number) => (((high << 8) | low) ^ 0xffff).toString(16);
  return {
    ipv4Mapped: `::ffff:${ipv4}`,
    ipv4Translated: `::ffff:0:${ipv4}`,
    // In hex: ipaddr.js reads `::a.b.c.d` as IPv4-mapped (the guard's verdict is the same), and the
    // URL parser gives the hex form (`[::127.0.0.1]` → `[::7f00:1]`).
    ipv4Compatible: `::${hex(a, b)}:${hex(c, d)}`,
    nat64: `64:ff9b::${ipv4}`,
    nat64Local: `64:ff9b:1:abcd::${ipv4}`,
    '6to4': `2002:${hex(a, b)}:${hex(c, d)}::1`,
    // Teredo: server 65.54.227.120, flags 8000, port 63bf; the client is the low 32 bits inverted.
    teredo: `2001:0:4136:e378:8000:63bf:${inverted(a, b)}:${inverted(c, d)}`,
    isatap: `2a00:1450:4001:81b::5efe:${ipv4}`,
    isatapGlobal: `2a00:1450:4001:81b:200:5efe:${ipv4}`,
  };
}

describe('embeddedIPv4', () => {
  it.each(Object.entries(embeddings('192.0.2.33')))('finds the IPv4 address of the %s form (%s)', (form, address) => {
    const found = embeddedIPv4(ipaddr.IPv6.parse(address));
    expect(found?.ipv4.toString()).toBe('192.0.2.33');
    expect(found?.form).toBe(form.replace(/Local$|Global$/, ''));
  });

  it('finds none in plain IPv6 addresses, the unspecified address or loopback', () => {
    for (const address of ['::', '::1', '2606:4700:4700::1111', 'fe80::1', 'fd00::1'])
      expect(embeddedIPv4(ipaddr.IPv6.parse(address)), address).toBeUndefined();
  });
});

describe('isPublicAddress: IPv6 that embeds an IPv4 address is judged by the IPv4 address', () => {
  const privateIPv4 = [
    '127.0.0.1',
    '10.1.2.3',
    '192.168.1.1',
    '172.16.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
  ];
  const cases = privateIPv4.flatMap((ipv4) => Object.entries(embeddings(ipv4)).map(([form, a]) => [form, ipv4, a]));

  it.each(cases)('refuses the %s form of %s (%s)', (_form, _ipv4, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(Object.entries(embeddings('8.8.8.8')))('accepts the %s form of a public IPv4 address (%s)', (_, address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses an ISATAP address under a private prefix even with a public IPv4 address', () => {
    expect(isPublicAddress('fd00::5efe:8.8.8.8')).toBe(false);
    expect(isPublicAddress('fe80::200:5efe:8.8.8.8')).toBe(false);
  });

  it('refuses [::127.0.0.1] as a file_url or callback_url host, naming ALLOWED_URL_HOSTS', async () => {
    for (const host of [
      '[::127.0.0.1]',
      '[::7f00:1]',
      '[64:ff9b::a9fe:a9fe]',
      '[2002:7f00:1::]',
      '[2001:0:0:0:0:0:80ff:fffe]',
    ])
      await expect(assertFetchableUrl(`http://${host}/a.wav`, new Set()), host).rejects.toMatchObject({
        code: 'url_not_allowed',
        message: expect.stringContaining('add the host to ALLOWED_URL_HOSTS'),
      });
  });
});
