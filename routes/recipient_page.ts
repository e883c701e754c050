/**
 * The pages a recipient sees, with no account and no session: a broken tracking link, "Don't track me". One
 * plain page with its own styles and no script, and headers that let nothing else in: it can't be framed (the
 * opt-out button can't be clickjacked), loads nothing from elsewhere, isn't sniffed or cached, and sends no
 * Referer carrying its token.
 */
import type { Context } from "hono";
import type { AppEnv } from "./deps.ts";

export const NO_STORE = "no-store, no-cache, must-revalidate, private";

const HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": NO_STORE,
};

/** Answers a recipient's page: `title` is its heading too; `body` is HTML the caller has escaped. */
export function recipientPage(
  c: Context<AppEnv>,
  title: string,
  body: string,
  status: 200 | 404 | 429 = 200,
) {
  for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
  return c.html(
    `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${title}</title><body style="font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:12vh auto;` +
      `padding:0 1rem;color:#1c2330"><h1 style="font-size:1.4rem">${title}</h1>${body}</body></html>`,
    status,
  );
}
