import { describe, expect, it } from 'vitest';
import { createCookieJar, parseCookieHeader } from '../../../src/admin/cookies.js';
import { html, pathOf, queryString, raw } from '../../../src/admin/html.js';
import { escapeHtml } from '../../../src/html-escape.js';
import { safeNext } from '../../../src/admin/login.js';
import { AttemptThrottle, FailureLimiter, Gate } from '../../../src/admin/rate-limit.js';

describe('html templates', () => {
  it('escape every interpolated value unless it is markup the program wrote', () => {
    const evil = `<img src=x onerror="alert('1')">&`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;img src&#61;x onerror&#61;&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img ' +
        'src&#61;x onerror&#61;&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`, null, false, undefined, 0]}</ul>`.value).toBe(
      '<ul>&lt;a&gt;<li>&lt;b&gt;</li>0</ul>',
    );
    expect(html`${raw('<br>')}`.value).toBe('<br>');
    expect(escapeHtml('`=')).toBe('&#96;&#61;');
  });

  it('encode path segments and query values', () => {
    expect(pathOf('/admin/offres', 'talentlink', '../x?y#z', 2027)).toBe(
      '/admin/offres/talentlink/..%2Fx%3Fy%23z/2027',
    );
    expect(queryString({ q: 'a&b=c', empty: '', none: null, flag: true, off: false })).toBe('?q=a%26b%3Dc&flag=1');
  });
});

describe('login helpers', () => {
  it('send back only to pages of the dashboard', () => {
    expect(safeNext('/admin/offres?state=approved')).toBe('/admin/offres?state=approved');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/admin@evil',
      '/api/v1/offers',
      '/admin\\evil',
      42,
      undefined,
    ])
      expect(safeNext(bad)).toBe('/admin');
  });

  it('count attempts per key over a sliding window, as they arrive', () => {
    const limiter = new FailureLimiter(2, 1000);
    expect(limiter.take('k', 0).allowed).toBe(true);
    expect(limiter.take('k', 500).allowed).toBe(true);
    expect(limiter.take('k', 600)).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(limiter.take('other', 600).allowed).toBe(true);
    limiter.forgive('k');
    expect(limiter.take('k', 600).allowed).toBe(true);
    // The attempt of 0 left the window; the one given back (500) is no longer counted.
    expect(limiter.take('k', 1001).allowed).toBe(true);
    expect(limiter.take('k', 1002)).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(limiter.take('k', 1601).allowed).toBe(true);
  });

  it('keep memory bounded under a spray of keys', () => {
    const limiter = new FailureLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`, 0);
    expect(limiter.take('k999', 1).allowed).toBe(false);
    expect(limiter.take('k0', 1).allowed).toBe(true);
  });

  it('let the free attempts through at once, then make each wait twice as long as the one before', () => {
    const throttle = new AttemptThrottle(2, 1000, 8000, 60_000);
    expect(throttle.take('k', 0).allowed).toBe(true);
    expect(throttle.take('k', 0).allowed).toBe(true);
    expect(throttle.take('k', 0)).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(throttle.take('k', 1000).allowed).toBe(true);
    expect(throttle.take('k', 2999)).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(throttle.take('k', 3000).allowed).toBe(true);
    expect([4, 5, 6].map((n) => throttle.delayAfter(n))).toEqual([4000, 8000, 8000]);
    expect(throttle.take('other', 3000).allowed).toBe(true);
    // Forgotten after a quiet spell, and at a success.
    expect(throttle.take('k', 3000 + 60_000).allowed).toBe(true);
    throttle.reset('k');
    expect(throttle.take('k', 63_001).allowed).toBe(true);
  });

  it('give back an attempt never checked', () => {
    const throttle = new AttemptThrottle(1, 1000, 8000, 60_000);
    expect(throttle.take('k', 0).allowed).toBe(true);
    throttle.forgive('k');
    expect(throttle.take('k', 0).allowed).toBe(true);
    expect(throttle.take('k', 0).allowed).toBe(false);
  });

  it('let only so many tasks in at once', () => {
    const gate = new Gate(2);
    expect([gate.tryEnter(), gate.tryEnter(), gate.tryEnter()]).toEqual([true, true, false]);
    gate.leave();
    expect(gate.tryEnter()).toBe(true);
  });
});

describe('cookies', () => {
  it('parse the Cookie header, first value of a name winning', () => {
    expect([...parseCookieHeader('a=1; b="2"; a=3; broken; =x')]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('verify signatures with the key and the cookie name', () => {
    const jar = createCookieJar(Buffer.alloc(32, 1), false);
    const set: string[] = [];
    const res = { cookie: (name: string, value: string) => set.push(`${name}=${value}`) } as never;
    jar.write(res, 'en3s_session', 'abc');
    const header = set[0]!;
    const req = (cookie: string) => ({ headers: { cookie } }) as never;
    expect(jar.read(req(header), 'en3s_session')).toBe('abc');
    expect(jar.read(req(header.replace('abc', 'abd')), 'en3s_session')).toBeNull();
    expect(jar.read(req(header.replace('en3s_session', 'en3s_login')), 'en3s_login')).toBeNull();
    expect(createCookieJar(Buffer.alloc(32, 2), false).read(req(header), 'en3s_session')).toBeNull();
  });
});
