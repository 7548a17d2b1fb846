import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier, decodeSecret } from '../../../src/ingest/signature.js';
import { createdJson, createdXml, CREATED_ID, FOREIGN_SECRET, NEXT_SECRET, NOW, SECRET, signedHeaders } from './helpers.js';

/** The verifier on its own, against signatures made by the `standardwebhooks` package. */

const verifier = createSignatureVerifier({ secrets: [SECRET] });
const body = Buffer.from(createdXml);

describe('Standard Webhooks verification', () => {
  it('accepts what the reference package signs, XML and JSON, and reports the id and timestamp', () => {
    for (const text of [createdXml, createdJson]) {
      const result = verifier.verify(signedHeaders(CREATED_ID, text), Buffer.from(text), NOW);
      expect(result).toEqual({ ok: true, id: CREATED_ID, timestamp: NOW.getTime() / 1000 });
    }
  });

  it('agrees with the package both ways: what it verifies, we verify', () => {
    const headers = signedHeaders(CREATED_ID, createdXml, { at: new Date() });
    expect(() => new Webhook(SECRET).verify(createdXml, headers, { jsonParse: false })).not.toThrow();
    expect(verifier.verify(headers, body, new Date()).ok).toBe(true);
  });

  it('header names in any case', () => {
    const headers = signedHeaders(CREATED_ID, createdXml);
    const shouted = { 'WEBHOOK-ID': headers['webhook-id'], 'Webhook-Timestamp': headers['webhook-timestamp'], 'wEbHoOk-SiGnAtUrE': headers['webhook-signature'] };
    expect(verifier.verify(shouted, body, NOW).ok).toBe(true);
  });

  it('one changed byte of the body is SIGNATURE_INVALID', () => {
    const tampered = Buffer.from(body);
    tampered[200] = tampered[200]! ^ 0x01;
    expect(verifier.verify(signedHeaders(CREATED_ID, createdXml), tampered, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('the id and the timestamp are covered by the signature', () => {
    const headers = signedHeaders(CREATED_ID, createdXml);
    expect(verifier.verify({ ...headers, 'webhook-id': 'evt-2027-000108' }, body, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    const later = String(Number(headers['webhook-timestamp']) + 1);
    expect(verifier.verify({ ...headers, 'webhook-timestamp': later }, body, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('tolerance of 5 minutes either way, against the injected clock', () => {
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    expect(verifier.verify(signedHeaders(CREATED_ID, createdXml, { at: at(-300) }), body, NOW).ok).toBe(true);
    expect(verifier.verify(signedHeaders(CREATED_ID, createdXml, { at: at(300) }), body, NOW).ok).toBe(true);
    const old = verifier.verify(signedHeaders(CREATED_ID, createdXml, { at: at(-301) }), body, NOW);
    expect(old).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(old.ok || old.message).toContain('301 s dans le passé');
    const future = verifier.verify(signedHeaders(CREATED_ID, createdXml, { at: at(3600) }), body, NOW);
    expect(future).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(future.ok || future.message).toContain('3600 s dans le futur');
    // The same headers pass when the service's clock agrees with them.
    expect(verifier.verify(signedHeaders(CREATED_ID, createdXml, { at: at(3600) }), body, at(3600)).ok).toBe(true);
  });

  it('a timestamp that is not Unix seconds is TIMESTAMP_INVALID', () => {
    const headers = signedHeaders(CREATED_ID, createdXml);
    for (const bad of ['1.79e9', '-1', '1799000000.5', 'Mon, 18 Jan 2027 10:00:00 GMT', '0x6B3F2C00', '1799000000abc']) {
      expect(verifier.verify({ ...headers, 'webhook-timestamp': bad }, body, NOW)).toMatchObject({ ok: false, code: 'TIMESTAMP_INVALID' });
    }
  });

  it('each missing header is named', () => {
    const headers = signedHeaders(CREATED_ID, createdXml);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _dropped, ...rest } = headers;
      const result = verifier.verify(rest, body, NOW);
      expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
      expect(result.ok || result.message).toContain(name);
    }
    expect(verifier.verify({ ...headers, 'webhook-signature': '   ' }, body, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
  });

  it('rotation: one valid signature among others; unknown versions and garbage are skipped', () => {
    const good = signedHeaders(CREATED_ID, createdXml)['webhook-signature']!;
    const wrong = signedHeaders(CREATED_ID, createdXml, { secret: FOREIGN_SECRET })['webhook-signature'];
    const list = `${wrong} v1a,bm90LWFuLWVkMjU1MTktc2lnbmF0dXJl v1,*** v1, ${good}`;
    expect(verifier.verify({ ...signedHeaders(CREATED_ID, createdXml), 'webhook-signature': list }, body, NOW).ok).toBe(true);
    const withoutGood = list.replace(good, '');
    expect(verifier.verify({ ...signedHeaders(CREATED_ID, createdXml), 'webhook-signature': withoutGood }, body, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    expect(verifier.verify({ ...signedHeaders(CREATED_ID, createdXml), 'webhook-signature': 'v2,abc' }, body, NOW)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('rotation: two configured secrets, either signs; a third does not', () => {
    const rotating = createSignatureVerifier({ secrets: [SECRET, NEXT_SECRET] });
    expect(rotating.verify(signedHeaders(CREATED_ID, createdXml, { secret: SECRET }), body, NOW).ok).toBe(true);
    expect(rotating.verify(signedHeaders(CREATED_ID, createdXml, { secret: NEXT_SECRET }), body, NOW).ok).toBe(true);
    expect(rotating.verify(signedHeaders(CREATED_ID, createdXml, { secret: FOREIGN_SECRET }), body, NOW)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('a configured tolerance is honoured', () => {
    const strict = createSignatureVerifier({ secrets: [SECRET], toleranceSeconds: 30 });
    const at = new Date(NOW.getTime() - 31_000);
    expect(strict.verify(signedHeaders(CREATED_ID, createdXml, { at }), body, NOW)).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it('refuses to run without a secret or with a secret that is not a key', () => {
    expect(() => createSignatureVerifier({ secrets: [] })).toThrow(/at least one secret/);
    expect(() => decodeSecret('whsec_')).toThrow(/non-empty key/);
    expect(() => decodeSecret('whsec_not base64!')).toThrow(/whsec_/);
    expect(decodeSecret(SECRET).length).toBe(24);
  });
});
