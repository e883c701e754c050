/** Personal API tokens: shown once, stored hashed, scoped to the user's team. */
import { notFound } from "../http/errors.ts";
import { randomToken, sha256Hex } from "../crypto/tokens.ts";
import { newId } from "../storage/ids.ts";
import { listValues } from "../storage/kv.ts";
import { parse } from "../validation/parse.ts";
import { accountKeys as keys } from "./keys.ts";
import { ApiTokenInput } from "./schemas.ts";
import type { User } from "./types.ts";

export const TOKEN_PREFIX = "bcn_";

export interface ApiToken {
  id: string;
  teamId: string;
  userId: string;
  name: string;
  /** The first characters, so a user can tell tokens apart. */
  hint: string;
  createdAt: number;
}

interface TokenRef {
  teamId: string;
  tokenId: string;
  userId: string;
}

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
    createdAt: now,
  };
  const ref: TokenRef = { teamId: user.teamId, tokenId: token.id, userId: user.id };
  await kv.atomic()
    .set(keys.apiToken(user.teamId, token.id), { ...token, hash })
    .set(keys.apiTokenByHash(hash), ref)
    .commit();
  return { token, secret };
}

export async function listApiTokens(kv: Deno.Kv, user: User): Promise<ApiToken[]> {
  const all = await listValues<ApiToken & { hash: string }>(kv, { prefix: keys.apiToken(user.teamId) });
  return all.filter((t) => t.userId === user.id).map(({ hash: _, ...token }) => token);
}

export async function revokeApiToken(kv: Deno.Kv, user: User, tokenId: string): Promise<void> {
  const stored = (await kv.get<ApiToken & { hash: string }>(keys.apiToken(user.teamId, tokenId))).value;
  if (!stored || stored.userId !== user.id) throw notFound("No such API token.");
  await kv.atomic()
    .delete(keys.apiToken(user.teamId, tokenId))
    .delete(keys.apiTokenByHash(stored.hash))
    .commit();
}

/** The user id and team a bearer secret stands for, or null. */
export async function resolveApiToken(kv: Deno.Kv, secret: string): Promise<TokenRef | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
  return (await kv.get<TokenRef>(keys.apiTokenByHash(await sha256Hex(secret)))).value;
}
