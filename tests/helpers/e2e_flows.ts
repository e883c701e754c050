/** Steps several browser tests share: signing up through the UI, calling the API as the page would. */
import type { Page } from "playwright-core";

export async function signUpInBrowser(
  page: Page,
  url: string,
  who = { name: "Ana Lima", email: "ana@acme.example" },
) {
  await page.goto(`${url}/signup`);
  await page.fill("#f-teamName", "Acme Sales");
  await page.fill("#f-name", who.name);
  await page.fill("#f-email", who.email);
  await page.fill("#f-password", "correct horse battery");
  await page.click("button[type=submit]");
  await page.waitForURL(`${url}/`);
}

/** Calls the JSON API with the page's cookies and CSRF token, like an island does. */
export async function pageApi<T = Record<string, unknown>>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return await page.evaluate(async ({ method, path, body }) => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
    const response = await fetch(`/api${path}`, {
      method,
      headers: { "content-type": "application/json", "x-csrf-token": token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }, { method, path, body }) as T;
}
