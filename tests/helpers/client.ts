/** A tiny browser stand-in for app.request(): keeps cookies and sends the CSRF token like the pages do. */
import type { TestApp } from "./app.ts";

export class Client {
  cookies = new Map<string, string>();
  constructor(private t: TestApp, private address = "203.0.113.7") {}

  get csrf(): string {
    return this.cookies.get("beacon_csrf") ?? "";
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await this.t.app.request(`http://beacon.test${path}`, { ...init, headers }, {
      remoteAddr: { hostname: this.address, port: 1234, transport: "tcp" },
    });
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
    if (!this.csrf) await this.request("/signin");
    const body = new URLSearchParams(fields);
    if (csrf) body.set("_csrf", this.csrf);
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
    if (!this.csrf) await this.request("/signin");
    const response = await this.request(`/api${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { "content-type": "application/json", "x-csrf-token": this.csrf },
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
    const me = await this.api("GET", "/me");
    return me.json as { user: { id: string; email: string; teamId: string }; team: { id: string } };
  }
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
