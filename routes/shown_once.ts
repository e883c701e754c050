/**
 * What a form's POST made and may show only once (a new API token, an invite link), carried to the page it
 * redirects to in a cookie that page reads and clears at once. The POST answers with a redirect, so reloading
 * the page shows it without the secret and makes nothing again (reloading the POST's own answer made a second
 * token, and a new invite that killed the link just shown).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./deps.ts";

const COOKIE = "beacon_shown_once";

export function redirectShowingOnce(
  c: Context<AppEnv>,
  path: string,
  shown: Record<string, string>,
  /** Where on the page it is shown ("#invite-title"). */
  hash = "",
) {
  setCookie(c, COOKIE, encodeURIComponent(JSON.stringify(shown)), {
    httpOnly: true,
    sameSite: "Strict",
    secure: c.get("deps").config.production,
    path,
    maxAge: 60,
  });
  return c.redirect(path + hash, 303);
}

/** What the POST before left for this page (`path`, as given to redirectShowingOnce), once. */
export function takeShownOnce(c: Context<AppEnv>, path: string): Record<string, string> | null {
  const raw = getCookie(c, COOKIE);
  if (!raw) return null;
  deleteCookie(c, COOKIE, { path });
  try {
    const shown = JSON.parse(decodeURIComponent(raw));
    return shown && typeof shown === "object" && Object.values(shown).every((v) => typeof v === "string")
      ? shown
      : null;
  } catch {
    return null;
  }
}
