/** One-time invite links: the token is shown once, stored hashed, and consumed in one checked commit. */
import { AppError, conflict, forbidden, notFound } from "../http/errors.ts";
import { randomToken, sha256Hex } from "../crypto/tokens.ts";
import { newId } from "../storage/ids.ts";
import { listValues } from "../storage/kv.ts";
import { parse } from "../validation/parse.ts";
import { accountKeys as keys } from "./keys.ts";
import { DEFAULT_ITERATIONS, hashPassword } from "./passwords.ts";
import { AcceptInviteInput, InviteInput } from "./schemas.ts";
import type { Role, User } from "./types.ts";
import { emailClaim } from "./users.ts";

export const INVITE_TTL_MS = 7 * 24 * 3600_000;

export interface Invite {
  id: string;
  teamId: string;
  email: string;
  role: Role;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  tokenHash: string;
}

interface InviteRef {
  teamId: string;
  inviteId: string;
}

export async function createInvite(
  kv: Deno.Kv,
  actor: User,
  input: unknown,
  now: number,
): Promise<{ invite: Invite; token: string }> {
  if (actor.role !== "admin") throw forbidden("Only admins can invite teammates.");
  const data = parse(InviteInput, input);
  if ((await emailClaim(kv, data.email)).taken) {
    throw conflict("Someone with this email already has a Beacon account.", {
      email: "Someone with this email already has a Beacon account.",
    });
  }
  const token = randomToken(32);
  const invite: Invite = {
    id: newId(now),
    teamId: actor.teamId,
    email: data.email,
    role: data.role,
    invitedBy: actor.id,
    createdAt: now,
    expiresAt: now + INVITE_TTL_MS,
    tokenHash: await sha256Hex(token),
  };
  const ref: InviteRef = { teamId: invite.teamId, inviteId: invite.id };
  // Inviting an address again replaces its open invite: its link was shown once and can't be shown again,
  // so the new link is the one that works, and the team's list keeps one invite per address.
  const replaced = (await Array.fromAsync(kv.list<Invite>({ prefix: keys.invite(invite.teamId) })))
    .filter((entry) => entry.value.email === invite.email);
  const op = kv.atomic().check(...replaced);
  for (const { key, value } of replaced) op.delete(key).delete(keys.inviteByToken(value.tokenHash));
  const result = await op
    .set(keys.invite(invite.teamId, invite.id), invite, { expireIn: INVITE_TTL_MS })
    .set(keys.inviteByToken(invite.tokenHash), ref, { expireIn: INVITE_TTL_MS })
    .commit();
  if (!result.ok) throw conflict("This address's invite changed meanwhile. Try again.");
  return { invite, token };
}

/** Open invites of a team, oldest first; expired ones are left out. */
export async function listInvites(kv: Deno.Kv, teamId: string, now: number): Promise<Invite[]> {
  const invites = await listValues<Invite>(kv, { prefix: keys.invite(teamId) });
  return invites.filter((i) => i.expiresAt > now);
}

export async function revokeInvite(kv: Deno.Kv, actor: User, inviteId: string): Promise<void> {
  if (actor.role !== "admin") throw forbidden("Only admins can revoke invites.");
  const invite = (await kv.get<Invite>(keys.invite(actor.teamId, inviteId))).value;
  if (!invite) throw notFound("No such invite.");
  await kv.atomic()
    .delete(keys.invite(actor.teamId, inviteId))
    .delete(keys.inviteByToken(invite.tokenHash))
    .commit();
}

const GONE = "This invite link has expired or was already used. Ask your admin for a new one.";

/** The invite behind a link, or null when it is unknown, used or expired. */
export async function findInvite(kv: Deno.Kv, token: string, now: number): Promise<Invite | null> {
  if (!token || token.length > 100) return null;
  const ref = (await kv.get<InviteRef>(keys.inviteByToken(await sha256Hex(token)))).value;
  if (!ref) return null;
  const invite = (await kv.get<Invite>(keys.invite(ref.teamId, ref.inviteId))).value;
  return invite && invite.expiresAt > now ? invite : null;
}

/** Joins the team through an invite: creates the user and consumes the invite in one commit. */
export async function acceptInvite(
  kv: Deno.Kv,
  token: string,
  input: unknown,
  { now, iterations = DEFAULT_ITERATIONS }: { now: number; iterations?: number },
): Promise<User> {
  const data = parse(AcceptInviteInput, input);
  const hash = await sha256Hex(token);
  const refEntry = await kv.get<InviteRef>(keys.inviteByToken(hash));
  if (!refEntry.value) throw new AppError(404, "invite_gone", GONE);
  const inviteKey = keys.invite(refEntry.value.teamId, refEntry.value.inviteId);
  const inviteEntry = await kv.get<Invite>(inviteKey);
  const invite = inviteEntry.value;
  if (!invite || invite.expiresAt <= now) throw new AppError(404, "invite_gone", GONE);
  const claim = await emailClaim(kv, invite.email);
  if (claim.taken) throw new AppError(409, "invite_gone", GONE);
  const user: User = {
    id: newId(now),
    teamId: invite.teamId,
    email: invite.email,
    name: data.name,
    role: invite.role,
    timeZone: data.timeZone,
    passwordHash: await hashPassword(data.password, iterations),
    createdAt: now,
  };
  const result = await kv.atomic()
    .check(refEntry, inviteEntry)
    .check(claim.entry)
    .delete(keys.inviteByToken(hash))
    .delete(inviteKey)
    .set(keys.user(user.id), user)
    .set(keys.userByEmail(user.email), user.id)
    .set(keys.member(user.teamId, user.id), user.id)
    .commit();
  if (!result.ok) throw new AppError(409, "invite_gone", GONE);
  return user;
}
