/** Sessions: random ids handed to the browser, stored only as hashes, with expiry. */
import { randomToken, sha256Hex } from "../crypto/tokens.ts";
import { accountKeys as keys } from "./keys.ts";
import type { User } from "./types.ts";

export const SESSION_TTL_MS = 30 * 24 * 3600_000;

export interface Session {
  userId: string;
  teamId: string;
  createdAt: number;
  expiresAt: number;
}

/** Starts a session; returns the token for the cookie (never stored as such). */
export async function createSession(kv: Deno.Kv, user: User, now: number): Promise<string> {
  const token = randomToken(32);
  const hash = await sha256Hex(token);
  const session: Session = {
    userId: user.id,
    teamId: user.teamId,
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
  };
  await kv.atomic()
    .set(keys.session(hash), session, { expireIn: SESSION_TTL_MS })
    .set(keys.sessionByUser(user.id, hash), true, { expireIn: SESSION_TTL_MS })
    .commit();
  return token;
}

/** The live session for a token, or null (unknown, expired — expireIn is not exact — or ended). */
export async function readSession(kv: Deno.Kv, token: string, now: number): Promise<Session | null> {
  if (!token || token.length > 100) return null;
  const session = (await kv.get<Session>(keys.session(await sha256Hex(token)))).value;
  return session && session.expiresAt > now ? session : null;
}

export async function endSession(kv: Deno.Kv, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  const session = (await kv.get<Session>(keys.session(hash))).value;
  const op = kv.atomic().delete(keys.session(hash));
  if (session) op.delete(keys.sessionByUser(session.userId, hash));
  await op.commit();
}

export async function deleteUserSessions(kv: Deno.Kv, userId: string): Promise<void> {
  for await (const entry of kv.list({ prefix: keys.sessionByUser(userId) })) {
    const hash = entry.key.at(-1) as string;
    await kv.atomic().delete(entry.key).delete(keys.session(hash)).commit();
  }
}
