/** Resolves who is asking: a session cookie (pages, islands) or a bearer API token. */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { noteTokenUse, resolveApiToken, tokenExpired } from "../../lib/accounts/api_tokens.ts";
import type { TokenAccess } from "../../lib/accounts/schemas.ts";
import { createSession, readSession, SESSION_TTL_MS } from "../../lib/accounts/sessions.ts";
import { DEVICE_TTL_MS, knownDevice, rememberDevice } from "../../lib/accounts/devices.ts";
import { getTeam, getUser } from "../../lib/accounts/users.ts";
import type { User } from "../../lib/accounts/types.ts";
import { AppError } from "../../lib/http/errors.ts";
import type { AppEnv, Viewer } from "../deps.ts";
import { postedFrom, redirectWithFlash } from "./request_context.ts";

export const SESSION_COOKIE = "beacon_session";
/** A browser the account has signed in from: its failed sign-ins don't count against the account. */
export const DEVICE_COOKIE = "beacon_device";

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const found = await signedInUser(c);
    if (found?.access === "read" && !READS.has(c.req.method)) {
      throw new AppError(
        403,
        "read_only_token",
        "This API token can only read (GET requests). Make one with write access under Settings → API tokens.",
      );
    }
    if (found) {
      if (found.via === "session") c.set("sessionToken", getCookie(c, SESSION_COOKIE)!);
      await setViewer(c, found.user, found.via);
    } else if (bearerToken(c)) {
      throw new AppError(401, "unauthorized", "This API token is not valid.");
    } else if (getCookie(c, SESSION_COOKIE)) {
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
    }
    // Bound to the live session, or to none: a stale session cookie is deleted above, so the browser won't send
    // it with the form. A token-authenticated call needs no CSRF token.
    if (c.get("via") !== "token") {
      c.set("csrfToken", await c.get("deps").csrf.tokenFor(c.get("csrfCookie"), c.get("sessionToken") ?? ""));
    }
    await next();
  };
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

const bearerToken = (c: Context<AppEnv>) => c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];

/**
 * The user a request's API token (or else its session cookie) stands for now, or null: an unknown, revoked or
 * expired one, or one of a removed member. A live stream asks again while it is open. A token's use is noted.
 */
export async function signedInUser(
  c: Context<AppEnv>,
): Promise<{ user: User; via: "session" | "token"; access?: TokenAccess } | null> {
  const { kv, clock } = c.get("deps");
  const bearer = bearerToken(c);
  if (bearer) {
    const token = await resolveApiToken(kv, bearer);
    if (token && tokenExpired(token, clock.now())) {
      throw new AppError(
        401,
        "token_expired",
        `This API token expired on ${new Date(token.expiresAt!).toISOString().slice(0, 10)}. ` +
          "Make a new one under Settings → API tokens.",
      );
    }
    const user = token && await getUser(kv, token.userId);
    if (!user || user.removedAt || user.teamId !== token!.teamId) return null;
    await noteTokenUse(kv, token!, clock.now());
    return { user, via: "token", access: token!.access };
  }
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await readSession(kv, token, clock.now()) : null;
  const user = session && await getUser(kv, session.userId);
  return user && !user.removedAt && user.teamId === session!.teamId ? { user, via: "session" } : null;
}

async function setViewer(c: Context<AppEnv>, user: User, via: "session" | "token") {
  c.set("user", user);
  c.set("team", await getTeam(c.get("deps").kv, user.teamId));
  c.set("via", via);
}

/** Starts a new session for `user` (rotating any old one) and sets the cookie. */
export async function signInAs(c: Context<AppEnv>, user: User): Promise<void> {
  const { kv, clock, config } = c.get("deps");
  const cookie = { httpOnly: true, sameSite: "Lax", secure: config.production, path: "/" } as const;
  const token = await createSession(kv, user, clock.now());
  setCookie(c, SESSION_COOKIE, token, { ...cookie, maxAge: SESSION_TTL_MS / 1000 });
  if (!await knownDevice(kv, getCookie(c, DEVICE_COOKIE), user.email)) {
    const device = await rememberDevice(kv, user.email, clock.now());
    setCookie(c, DEVICE_COOKIE, device, { ...cookie, maxAge: DEVICE_TTL_MS / 1000 });
  }
}

/** The signed-in viewer; routes behind requireUser can rely on it. */
export function viewer(c: Context<AppEnv>): Viewer {
  const user = c.get("user");
  const team = c.get("team");
  if (!user || !team) throw new AppError(401, "unauthorized", "Sign in first.");
  return { user, team };
}

/**
 * Pages: send visitors who are not signed in to the sign-in page, then back to the page they were on (for a
 * form, the page it was posted from). A seller whose session ended is told so, and that a form wasn't saved.
 */
export function requireUserPage(): MiddlewareHandler<AppEnv> {
  return async function requireUserPage(c, next) {
    if (!c.get("user")) return toSignIn(c);
    await next();
  };
}

/** To sign in, and then back to the page asked for (or the one a form was posted from), saying why. */
export function toSignIn(c: Context<AppEnv>) {
  const posted = c.req.method !== "GET";
  const back = posted ? postedFrom(c) ?? "/" : c.req.path + (new URL(c.req.url).search);
  const signIn = `/signin?next=${encodeURIComponent(back)}`;
  if (!posted && !getCookie(c, SESSION_COOKIE)) return c.redirect(signIn, 303);
  return redirectWithFlash(c, signIn, {
    kind: "info",
    text: posted
      ? "Your session ended, so that wasn't saved. Sign in, then try again."
      : "Your session ended. Sign in to carry on.",
  });
}

/** API: 401 for anyone not signed in or without a valid token. */
export function requireUserApi(): MiddlewareHandler<AppEnv> {
  return async function requireUserApi(c, next) {
    if (!c.get("user")) {
      throw new AppError(401, "unauthorized", "Sign in, or send an API token as Authorization: Bearer.");
    }
    await next();
  };
}

export function requireAdmin(c: Context<AppEnv>): void {
  if (viewer(c).user.role !== "admin") {
    throw new AppError(403, "forbidden", "Only team admins can do that.");
  }
}
