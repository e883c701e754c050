/**
 * A tiny browser stand-in: keeps cookies and sends the CSRF token like the pages do. `Client` sends its
 * requests through app.request(); bench/lib.ts's HttpClient sends the same over real HTTP to a running Beacon.
 */
import type { TestApp } from "./app.ts";

/** The cookie jar, the CSRF token, forms and JSON-API calls; a subclass says how a request reaches Beacon. */
export abstract class BrowserClient {
  cookies = new Map<string, string>();

  /** Sends one request, its Cookie header already set; `path` is absolute ("/signin"). */
  protected abstract send(path: string, init: RequestInit): Promise<Response>;

  #csrf = { token: "", cookies: "" };

  /** The Cookie header this client sends. */
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader);
    const response = await this.send(path, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, ...rest] = pair.split("=");
      const value = rest.join("=");
      const expired = attrs.some((a) =>
        /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim())
      );
      if (expired || value === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  /** GETs a page (also picks up the CSRF cookie on a first visit). */
  async page(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.request(path, { redirect: "manual" });
    return { status: response.status, html: await response.text(), response };
  }

  /** Posts a form with the CSRF token, as a page would. */
  async form(path: string, fields: Record<string, string>, { csrf = true } = {}): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (csrf) body.set("_csrf", await this.csrfToken());
    return await this.request(path, {
      method: "POST",
      body,
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }

  /** Calls the JSON API with the session cookie and CSRF header, as islands do. */
  // deno-lint-ignore no-explicit-any
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const csrf = await this.csrfToken();
    const response = await this.request(`/api${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  /** Signs up a new team; this client is then signed in as its admin. */
  async signUp(
    fields: Partial<Record<"teamName" | "name" | "email" | "password" | "timeZone", string>> = {},
  ) {
    const email = fields.email ?? `admin-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const response = await this.form("/signup", {
      teamName: "Acme Sales",
      name: "Ana Admin",
      email,
      password: "correct horse battery",
      timeZone: "Europe/Lisbon",
      ...fields,
    });
    if (response.status !== 303) {
      throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
    }
    await response.body?.cancel();
    const me = await this.api("GET", "/me");
    return me.json as { user: { id: string; email: string; teamId: string }; team: { id: string } };
  }

  /**
   * The CSRF token as the pages give it to this browser, read off a page's meta tag: on a first visit, and again
   * once the cookies it is bound to (the CSRF cookie and the session's) have changed, after signing in or out.
   */
  async csrfToken(): Promise<string> {
    const cookies = () => `${this.cookies.get("beacon_csrf")} ${this.cookies.get("beacon_session")}`;
    if (this.#csrf.token && this.#csrf.cookies === cookies()) return this.#csrf.token;
    let page = await this.page("/signin?next=/settings/profile");
    if (page.status === 302) page = await this.page(page.response.headers.get("location")!);
    const token = page.html.match(/<meta name="csrf-token" content="([^"]*)"/)?.[1];
    if (!token) throw new Error(`no CSRF token on ${page.response.url || "the page"} (${page.status})`);
    this.#csrf = { token, cookies: cookies() };
    return token;
  }
}

/** The browser stand-in for tests: requests go through app.request(), from `address`. */
export class Client extends BrowserClient {
  constructor(private t: TestApp, private address = "203.0.113.7") {
    super();
  }

  protected send(path: string, init: RequestInit): Promise<Response> {
    return Promise.resolve(this.t.app.request(`http://beacon.test${path}`, init, {
      remoteAddr: { hostname: this.address, port: 1234, transport: "tcp" },
    }));
  }
}

/** A teammate's browser: invited by `admin` through the API, joined through the invite page, signed in. */
export async function teammate(t: TestApp, admin: Client, email: string, name: string): Promise<Client> {
  const invite = await admin.api("POST", "/invites", { email });
  const client = new Client(t);
  await client.form(new URL(invite.json.url).pathname, { name, password: "another good password" });
  return client;
}

/** A bearer-token API caller (no cookies, no CSRF). */
export async function bearer(t: TestApp, token: string, method: string, path: string, body?: unknown) {
  const response = await t.app.request(`http://beacon.test/api${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}
