import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';

/**
 * The access settings of the dashboard and admin API, read once from the configuration: who may
 * log in (name → bcrypt hash), which API tokens exist (sha256 → name), how sessions and cookies
 * behave, and whether a reverse proxy authenticates for us.
 */

export interface AccessSettings {
  users: ReadonlyMap<string, string>;
  /** sha256 hex of a token → its name. */
  tokens: ReadonlyMap<string, string>;
  sessionKey: Buffer;
  /** True when the key was drawn at random for this process (no `adminSessionSecret`). */
  ephemeralKey: boolean;
  idleMs: number;
  absoluteMs: number;
  secureCookie: boolean;
  loginAttempts: number;
  loginWindowMs: number;
  proxyHeader: string | null;
  trustedProxies: ReadonlySet<string>;
  metricsTokenHash: string | null;
}

export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
export const LOGIN_WINDOW_MS = 15 * 60_000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/i;

/** True for an address only this machine reaches (127.0.0.0/8, ::1, localhost). */
export const isLoopback = (host: string): boolean => LOOPBACK.test(host.trim());

export class AccessConfigError extends Error {
  override readonly name = 'AccessConfigError';
}

/** `name:value` entries; a name given twice is a configuration mistake worth stopping for. */
function pairs(entries: readonly string[], what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const name = entry.slice(0, colon);
    if (out.has(name)) throw new AccessConfigError(`${what} : « ${name} » est déclaré deux fois`);
    out.set(name, entry.slice(colon + 1));
  }
  return out;
}

export function accessSettings(config: Config): AccessSettings {
  const users = pairs(config.adminUsers, 'EN3S_ADMIN_USERS');
  const tokensByName = pairs(config.adminApiTokens, 'EN3S_ADMIN_API_TOKENS');
  const tokens = new Map<string, string>();
  for (const [name, hash] of tokensByName) tokens.set(hash, name);
  const proxyHeader = config.adminProxyUserHeader === '' ? null : config.adminProxyUserHeader.toLowerCase();
  if (proxyHeader && config.adminTrustedProxies.length === 0) {
    throw new AccessConfigError(
      'EN3S_ADMIN_PROXY_USER_HEADER est défini mais EN3S_ADMIN_TRUSTED_PROXIES est vide : ' +
        'indiquez les adresses du proxy inverse, sinon n’importe quel client pourrait se déclarer ' +
        'administrateur',
    );
  }
  const secret = config.adminSessionSecret;
  return {
    users,
    tokens,
    sessionKey: secret === '' ? randomBytes(32) : createHash('sha256').update(secret).digest(),
    ephemeralKey: secret === '',
    idleMs: config.adminSessionIdleMinutes * 60_000,
    absoluteMs: SESSION_ABSOLUTE_MS,
    secureCookie:
      config.adminCookieSecure === 'auto' ? !isLoopback(config.httpHost) : config.adminCookieSecure === 'true',
    loginAttempts: config.adminLoginAttempts,
    loginWindowMs: LOGIN_WINDOW_MS,
    proxyHeader,
    trustedProxies: new Set(config.adminTrustedProxies.map(normaliseAddress)),
    metricsTokenHash: config.metricsTokenHash === '' ? null : config.metricsTokenHash,
  };
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is `127.0.0.1`. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
