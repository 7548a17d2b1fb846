import type { RequestHandler } from 'express';
import { API_BASE } from './openapi.js';

/**
 * The API's first paths had no version (`/api/overview`). For one release each of them answers
 * `308 Permanent Redirect` to its `/api/v1` twin (308 keeps the method and the body, so a script's
 * POST goes through), marked deprecated (RFC 9745) with its successor linked (RFC 5829). The
 * redirect says nothing of the resource: it comes before authentication, for any path alike.
 */

/** When the unversioned paths were deprecated: the release that introduced `/api/v1`. */
export const UNVERSIONED_DEPRECATED_AT = Date.UTC(2026, 11, 4) / 1000;

export const redirectToCurrentVersion: RequestHandler = (req, res, next) => {
  if (/^\/v\d+(\/|$)/.test(req.path)) return next();
  const target = `${API_BASE}${req.url}`;
  res.setHeader('Deprecation', `@${UNVERSIONED_DEPRECATED_AT}`);
  // The path comes as received (already percent-encoded); only what would end the link is escaped.
  const link = target.replace(/[<>"\s]/g, (c) => encodeURIComponent(c));
  res.setHeader('Link', `<${link}>; rel="successor-version"`);
  res.redirect(308, target);
};
