/**
 * Personal API tokens: shown once, stored hashed, scoped to the user's team, read-only or not, with when each
 * was last used (to the hour, so a busy integration doesn't write on every call).
 */
import { notFound } from "../http/errors.ts";
import { randomToken, sha256Hex } from "../crypto/tokens.ts";
import { newId } from "../storage/ids.ts";
import { listValues } from "../storage/kv.ts";
import { parse } from "../validation/parse.ts";
import { accountKeys as keys } from "./keys.ts";
import { ApiTokenInput, type TokenAccess } from "./schemas.ts";
import type { User } from "./types.ts";

export const TOKEN_PREFIX = "bcn_";

export interface ApiToken {
  id: string;
  teamId: string;
  userId: string;
  name: string;
  /** The first characters, so a user can tell tokens apart. */
  hint: string;
  access: TokenAccess;
  createdAt: number;
  /** To the hour (`LAST_USED_STEP_MS`); null until first used. */
  lastUsedAt: number | null;
  /** From then on the token is refused (401 `token_expired`); null: it never expires. */
  expiresAt: number | null;
}

/** What a bearer secret's hash leads to. Tokens made before access, use and expiry were kept have none. */
interface TokenRef {
  teamId: string;
  tokenId: string;
  userId: string;
  access?: TokenAccess;
  lastUsedAt?: number | null;
  expiresAt?: number | null;
}

/** A bearer secret that is one of the team's tokens. */
export interface ResolvedToken extends TokenRef {
  access: TokenAccess;
  lastUsedAt: number | null;
  expiresAt: number | null;
  hash: string;
}

/** A token's last use is written again only once it is this old. */
export const LAST_USED_STEP_MS = 3_600_000;

/** Fields of tokens stored before they were kept. */
const withDefaults = <
  T extends { access?: TokenAccess; lastUsedAt?: number | null; expiresAt?: number | null },
>(t: T) => ({
  ...t,
  access: t.access ?? "write",
  lastUsedAt: t.lastUsedAt ?? null,
  expiresAt: t.expiresAt ?? null,
});

const DAY_MS = 86_400_000;

/** Whether a token has expired at `now`. */
export const tokenExpired = (t: { expiresAt: number | null }, now: number) =>
  t.expiresAt !== null && now >= t.expiresAt;

export async function createApiToken(
  kv: Deno.Kv,
  user: User,
  input: unknown,
  now: number,
): Promise<{ token: ApiToken; secret: string }> {
  const data = parse(ApiTokenInput, input);
  const secret = TOKEN_PREFIX + randomToken(30);
  const hash = await sha256Hex(secret);
  const token: ApiToken = {
    id: newId(now),
    teamId: user.teamId,
    userId: user.id,
    name: data.name,
    hint: secret.slice(0, 10),
    access: data.access,
    createdAt: now,
    lastUsedAt: null,
    expiresAt: data.expiresInDays === null ? null : now + data.expiresInDays * DAY_MS,
  };
  const ref: TokenRef = {
    teamId: user.teamId,
    tokenId: token.id,
    userId: user.id,
    access: token.access,
    lastUsedAt: null,
    expiresAt: token.expiresAt,
  };
  await kv.atomic()
    .set(keys.apiToken(user.teamId, token.id), { ...token, hash })
    .set(keys.apiTokenByHash(hash), ref)
    .commit();
  return { token, secret };
}

export async function listApiTokens(kv: Deno.Kv, user: User): Promise<ApiToken[]> {
  const all = await listValues<ApiToken & { hash: string }>(kv, { prefix: keys.apiToken(user.teamId) });
  return all.filter((t) => t.userId === user.id).map(({ hash: _, ...token }) => withDefaults(token));
}

export async function revokeApiToken(kv: Deno.Kv, user: User, tokenId: string): Promise<void> {
  const stored = (await kv.get<ApiToken & { hash: string }>(keys.apiToken(user.teamId, tokenId))).value;
  if (!stored || stored.userId !== user.id) throw notFound("No such API token.");
  await kv.atomic()
    .delete(keys.apiToken(user.teamId, tokenId))
    .delete(keys.apiTokenByHash(stored.hash))
    .commit();
}

/** The user id, team and access a bearer secret stands for, or null. */
export async function resolveApiToken(kv: Deno.Kv, secret: string): Promise<ResolvedToken | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
  const hash = await sha256Hex(secret);
  const ref = (await kv.get<TokenRef>(keys.apiTokenByHash(hash))).value;
  return ref && { ...withDefaults(ref), hash };
}

/**
 * Notes that a token was just used, when what is kept is over an hour old. Never brings back a token revoked
 * meanwhile (the commit checks both records), and a lost race changes nothing: the other request noted it.
 */
export async function noteTokenUse(kv: Deno.Kv, token: ResolvedToken, now: number): Promise<void> {
  if (token.lastUsedAt !== null && now - token.lastUsedAt < LAST_USED_STEP_MS) return;
  const [record, ref] = await kv.getMany<[ApiToken, TokenRef]>([
    keys.apiToken(token.teamId, token.tokenId),
    keys.apiTokenByHash(token.hash),
  ]);
  if (!record.value || !ref.value) return;
  await kv.atomic().check(record, ref)
    .set(record.key, { ...record.value, lastUsedAt: now })
    .set(ref.key, { ...ref.value, lastUsedAt: now })
    .commit();
}
