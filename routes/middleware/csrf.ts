/**
 * CSRF protection for every state-changing request made with a cookie: the token
 * the pages carry (the browser's CSRF cookie bound to its session, lib/accounts/csrf.ts) must come back in the
 * `_csrf` form field or the `X-CSRF-Token` header (a signed double submit), and a cross-site Origin is refused.
 * Bearer-token API calls carry no ambient credentials and are exempt.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../lib/http/errors.ts";
import { timingSafeEqualText } from "../../lib/crypto/tokens.ts";
import type { AppEnv } from "../deps.ts";
import { isApi, postedFrom, redirectWithFlash } from "./request_context.ts";
import { toSignIn } from "./auth.ts";
import { madeInSession } from "../../lib/accounts/csrf.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async function csrfProtection(c, next) {
    if (SAFE.has(c.req.method) || c.get("via") === "token") return await next();
    const origin = c.req.header("origin");
    if (origin && origin !== "null" && new URL(origin).host !== new URL(c.req.url).host) {
      throw new AppError(403, "csrf", "This request came from another site and was refused.");
    }
    let sent = c.req.header("x-csrf-token");
    if (!sent) {
      const type = c.req.header("content-type") ?? "";
      if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
        const body = await c.req.parseBody();
        sent = typeof body._csrf === "string" ? body._csrf : undefined;
      }
    }
    if (!sent || !timingSafeEqualText(sent, c.get("csrfToken"))) {
      // A page's form whose token has gone (cookies cleared, another browser session): back to that page,
      // which has a fresh token, saying so; an island's call gets the error to show. A token is bound to the
      // session it was made in, so a form sent with one after that session ended (signed out in another tab)
      // is sent to sign in first, as any page of the app would be then.
      if (!isApi(c.req.path)) {
        if (sent && madeInSession(sent) && !c.get("user")) return toSignIn(c);
        return redirectWithFlash(c, postedFrom(c) ?? "/", {
          kind: "error",
          text: "That form had expired, so nothing was saved. Please try again.",
        });
      }
      throw new AppError(
        403,
        "csrf",
        "Your form expired or came from another page. Reload the page and try again.",
      );
    }
    await next();
  };
}
