/**
 * First middleware: deps and the CSRF cookie (`authenticate` binds the pages' token to the session, see
 * lib/accounts/csrf.ts); and the one-time flash message, which pages take.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { randomToken } from "../../lib/crypto/tokens.ts";
import type { AppDeps, AppEnv, Flash } from "../deps.ts";
import { localPath } from "../../lib/http/local_path.ts";

export const CSRF_COOKIE = "beacon_csrf";
const FLASH_COOKIE = "beacon_flash";

export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    c.set("deps", deps);
    c.set("user", null);
    c.set("team", null);
    c.set("via", null);
    c.set("sessionToken", null);

    let browser = getCookie(c, CSRF_COOKIE);
    if (!browser || !/^[\w-]{43}$/.test(browser)) {
      browser = randomToken(32);
      setCookie(c, CSRF_COOKIE, browser, {
        httpOnly: true,
        sameSite: "Lax",
        secure: deps.config.production,
        path: "/",
      });
    }
    c.set("csrfCookie", browser);
    c.set("csrfToken", "");
    await next();
  };
}

/**
 * The flash message for the page being rendered, removed so it shows once. Only a page takes it: an API
 * call or a live stream still running from the previous page must not swallow it.
 */
export function takeFlash(c: Context<AppEnv>): Flash | null {
  const flash = readFlash(getCookie(c, FLASH_COOKIE));
  if (flash) deleteCookie(c, FLASH_COOKIE, { path: "/" });
  return flash;
}

function readFlash(raw: string | undefined): Flash | null {
  if (!raw) return null;
  try {
    const flash = JSON.parse(decodeURIComponent(raw));
    if (!["success", "error", "info"].includes(flash.kind) || typeof flash.text !== "string") return null;
    const href = localPath(flash.href);
    return {
      kind: flash.kind,
      text: flash.text.slice(0, 300),
      ...(href ? { href, linkText: String(flash.linkText ?? "Open").slice(0, 40) } : {}),
      ...(typeof flash.tag === "string" ? { tag: flash.tag.slice(0, 80) } : {}),
    };
  } catch {
    return null;
  }
}

/** Redirects after a POST with a message shown once on the next page. */
export function redirectWithFlash(c: Context<AppEnv>, location: string, flash: Flash) {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify(flash)), {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: 60,
  });
  return c.redirect(location, 303);
}

/** The JSON API's paths; everything else is a page. */
export const isApi = (path: string) => path === "/api" || path.startsWith("/api/");

/** The page a form was posted from (its Referer), when it is one of ours: where to send the seller back to. */
export function postedFrom(c: Context<AppEnv>): string | null {
  const referer = c.req.header("referer");
  if (!referer) return null;
  try {
    const from = new URL(referer), here = new URL(c.req.url);
    return from.origin === here.origin ? from.pathname + from.search : null;
  } catch {
    return null;
  }
}
