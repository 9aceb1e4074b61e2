import { isIP } from 'node:net';

const PRODUCT = /^[A-Za-z0-9._-]{1,255}$/;
const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Host names products may be called on: `api.example.com`, or `*.example.com` for its subdomains. */
export function parseAllowedHosts(value: string): string[] {
  const hosts = value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((host) => host.toLowerCase());
  for (const host of hosts) {
    if (!HOST.test(host) && isIP(host) === 0) {
      throw new Error(`"${host}" is not a host name (a name, an IP address, or *.domain)`);
    }
  }
  return hosts;
}

/** Whether a URL's host name is on the allow-list (exactly, or under a `*.` entry). */
export function isAllowedHost(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry,
  );
}

/**
 * Each licence product's provisioning endpoint, `product=url` separated by spaces or commas. An endpoint
 * must be https (plain http only on the loopback interface, for local products and tests), carry no
 * credentials, and have its host on `allowedHosts`; anything else throws saying which entry is wrong.
 */
export function parseTargets(value: string, allowedHosts: readonly string[]): Map<string, URL> {
  const targets = new Map<string, URL>();
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const equals = entry.indexOf('=');
    const product = entry.slice(0, equals);
    if (equals < 0 || !PRODUCT.test(product)) throw new Error(`"${entry}" is not product=url`);
    let url: URL;
    try {
      url = new URL(entry.slice(equals + 1));
    } catch {
      throw new Error(`the endpoint of ${product} is not a URL`);
    }
    const loopback = LOOPBACK.has(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new Error(
        `the endpoint of ${product} must be https (http only on localhost), got ${url.protocol}`,
      );
    }
    if (url.username || url.password)
      throw new Error(`the endpoint of ${product} must not carry credentials`);
    if (!isAllowedHost(url, allowedHosts)) {
      throw new Error(
        `the endpoint of ${product}, host ${url.hostname}, is not in PROVISIONING_ALLOWED_HOSTS (${allowedHosts.join(' ') || 'empty'})`,
      );
    }
    if (targets.has(product)) throw new Error(`${product} has two endpoints`);
    targets.set(product, url);
  }
  return targets;
}
