import { isAllowedHost, parseAllowedHosts, parseTargets } from './delivery-targets';

describe(parseTargets.name, () => {
  const allowed = parseAllowedHosts('pro.example.com, *.products.example.net 127.0.0.1');

  it('reads product=url entries whose hosts are allowed', () => {
    const targets = parseTargets(
      'pro=https://pro.example.com/o2c/licences basic=https://basic.products.example.net/hook,platform=http://127.0.0.1:8080/x',
      allowed,
    );
    expect([...targets].map(([product, url]) => [product, url.href])).toEqual([
      ['pro', 'https://pro.example.com/o2c/licences'],
      ['basic', 'https://basic.products.example.net/hook'],
      ['platform', 'http://127.0.0.1:8080/x'],
    ]);
    expect(parseTargets('', allowed).size).toBe(0);
  });

  it.each([
    [
      'pro=https://evil.example.org/x',
      'the endpoint of pro, host evil.example.org, is not in PROVISIONING_ALLOWED_HOSTS',
    ],
    ['pro=https://products.example.net/x', 'host products.example.net, is not in PROVISIONING_ALLOWED_HOSTS'],
    ['pro=http://pro.example.com/x', 'the endpoint of pro must be https (http only on localhost), got http:'],
    ['pro=https://u:p@pro.example.com/x', 'the endpoint of pro must not carry credentials'],
    ['=https://pro.example.com/x', '"=https://pro.example.com/x" is not product=url'],
    ['pro=nope', 'the endpoint of pro is not a URL'],
    ['https://pro.example.com', '"https://pro.example.com" is not product=url'],
    ['pro=https://pro.example.com pro=https://pro.example.com/2', 'pro has two endpoints'],
  ])('refuses %s', (value, message) => {
    expect(() => parseTargets(value, allowed)).toThrow(message);
  });
});

describe(parseAllowedHosts.name, () => {
  it('takes names, IP addresses and *.domain, and refuses anything else', () => {
    expect(parseAllowedHosts('API.example.com ::1 *.example.net')).toEqual([
      'api.example.com',
      '::1',
      '*.example.net',
    ]);
    expect(() => parseAllowedHosts('https://api.example.com')).toThrow(
      '"https://api.example.com" is not a host name',
    );
  });

  it('matches a wildcard on subdomains only', () => {
    expect(isAllowedHost(new URL('https://a.b.example.net/'), ['*.example.net'])).toBe(true);
    expect(isAllowedHost(new URL('https://example.net/'), ['*.example.net'])).toBe(false);
    expect(isAllowedHost(new URL('https://badexample.net/'), ['*.example.net'])).toBe(false);
    expect(isAllowedHost(new URL('http://[::1]:9/'), ['::1'])).toBe(true);
  });
});
