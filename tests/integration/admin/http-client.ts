/**
 * A small HTTP client that behaves like a browser as far as these tests need: keeps cookies
 * (Set-Cookie → Cookie), does not follow redirects (tests look at them), posts forms and JSON.
 */

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, when the answer is JSON. */
  json: any;
  setCookies: string[];
}

export class Client {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async request(
    method: string,
    path: string,
    options: { form?: Record<string, string>; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined = options.body;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let json: unknown = null;
    if ((response.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, json, setCookies };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, headers ? { headers } : {});
  }

  post(path: string, form: Record<string, string>) {
    return this.request('POST', path, { form });
  }

  /** Logs in through the form, as a browser does; returns the answer of the POST. */
  async login(user: string, password: string, extra: Record<string, string> = {}): Promise<Answer> {
    const page = await this.get('/login');
    return this.post('/login', { _csrf: csrfOf(page.text), user, password, ...extra });
  }

  /** The CSRF token of the forms of a page fetched with this client's session. */
  async csrf(path = '/admin'): Promise<string> {
    return csrfOf((await this.get(path)).text);
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}
