import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';

/**
 * The dashboard's cookies: signed with HMAC-SHA256 (value.signature, base64url), HTTP-only,
 * SameSite=Strict, Secure when configured. With Secure the `__Host-` prefix is used, which
 * browsers only accept from a secure origin, on path `/` and without a domain: a sibling host
 * cannot plant or overwrite it.
 */

export interface CookieJar {
  /** The verified value of a signed cookie, or null (absent, tampered, signed with another key). */
  read(req: Request, name: string): string | null;
  write(res: Response, name: string, value: string, maxAgeMs?: number): void;
  clear(res: Response, name: string): void;
}

function sign(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** Cookie header → name/value pairs; the first of duplicate names wins, broken pairs are skipped. */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const raw of header.split(';')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export function createCookieJar(key: Buffer, secure: boolean): CookieJar {
  const fullName = (name: string) => (secure ? `__Host-${name}` : name);
  const options = (maxAgeMs?: number): CookieOptions => ({
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  });
  return {
    read(req, name) {
      const rawValue = parseCookieHeader(req.headers.cookie).get(fullName(name));
      if (!rawValue) return null;
      const dot = rawValue.lastIndexOf('.');
      if (dot <= 0) return null;
      const value = rawValue.slice(0, dot);
      const given = Buffer.from(rawValue.slice(dot + 1));
      const expected = Buffer.from(sign(key, `${name}=${value}`));
      return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
    },
    write(res, name, value, maxAgeMs) {
      // The name is signed too: a value signed for one cookie is not accepted as another.
      res.cookie(fullName(name), `${value}.${sign(key, `${name}=${value}`)}`, { ...options(maxAgeMs), encode: String });
    },
    clear(res, name) {
      res.clearCookie(fullName(name), options());
    },
  };
}

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
