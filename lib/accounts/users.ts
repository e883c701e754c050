/** Teams and their users: sign-up, sign-in, profiles, members. */
import { conflict, fieldErrorsFromIssues, forbidden, invalid, notFound } from "../http/errors.ts";
import { commitOrConflict, getValues, listValues } from "../storage/kv.ts";
import { newId } from "../storage/ids.ts";
import { parse, presentFields } from "../validation/parse.ts";
import { accountKeys as keys } from "./keys.ts";
import { DEFAULT_ITERATIONS, hashPassword, verifyPassword } from "./passwords.ts";
import { PasswordChangeInput, ProfileInput, SignUpInput } from "./schemas.ts";
import type { Role, Team, User } from "./types.ts";
import { deleteUserSessions } from "./sessions.ts";
import { assertSignInAllowed, recordSignInFailure } from "./throttle.ts";

export interface AccountOptions {
  now: number;
  /** PBKDF2 cost; only tests lower it. */
  iterations?: number;
}

const EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

/**
 * An address's sign-in entry, and whether an account in use holds it. A removed member's doesn't: their record
 * stays (their name is on what they sent), but the address is free to be invited again or to sign up. A commit
 * that claims the address checks `entry`.
 */
export async function emailClaim(kv: Deno.Kv, email: string) {
  const entry = await kv.get<string>(keys.userByEmail(email));
  const holder = entry.value ? await getUser(kv, entry.value) : null;
  return { entry, taken: !!holder && !holder.removedAt };
}

/** Creates a team and its first admin in one atomic write. */
export async function signUp(
  kv: Deno.Kv,
  input: unknown,
  { now, iterations = DEFAULT_ITERATIONS }: AccountOptions,
): Promise<{ team: Team; user: User }> {
  const data: SignUpInput = parse(SignUpInput, input);
  const claim = await emailClaim(kv, data.email);
  if (claim.taken) throw conflict(EMAIL_TAKEN, { email: EMAIL_TAKEN });
  const team: Team = { id: newId(now), name: data.teamName, createdAt: now };
  const user: User = {
    id: newId(now),
    teamId: team.id,
    email: data.email,
    name: data.name,
    role: "admin",
    timeZone: data.timeZone,
    passwordHash: await hashPassword(data.password, iterations),
    createdAt: now,
  };
  const result = await kv.atomic()
    .check(claim.entry)
    .set(keys.teamProfile(team.id), team)
    .set(keys.user(user.id), user)
    .set(keys.userByEmail(user.email), user.id)
    .set(keys.member(team.id, user.id), user.id)
    .commit();
  if (!result.ok) throw conflict(EMAIL_TAKEN, { email: EMAIL_TAKEN });
  return { team, user };
}

export async function getUser(kv: Deno.Kv, userId: string): Promise<User | null> {
  return (await kv.get<User>(keys.user(userId))).value;
}

export async function getUserByEmail(kv: Deno.Kv, email: string): Promise<User | null> {
  const id = (await kv.get<string>(keys.userByEmail(email.trim().toLowerCase()))).value;
  return id ? await getUser(kv, id) : null;
}

export async function getTeam(kv: Deno.Kv, teamId: string): Promise<Team | null> {
  return (await kv.get<Team>(keys.teamProfile(teamId))).value;
}

/** Checks an email and password; null for a wrong pair or a removed user (same answer, no hint). */
export async function authenticate(kv: Deno.Kv, email: string, password: string): Promise<User | null> {
  const user = await getUserByEmail(kv, email);
  if (!user || user.removedAt) {
    // Spend the same time as a real check, so timing does not reveal which emails exist.
    await verifyPassword(password, DUMMY_HASH);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}
const DUMMY_HASH = "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** Reads a user of this team, or 404 (another team's user looks exactly like a missing one). */
export async function getTeamUser(kv: Deno.Kv, teamId: string, userId: string): Promise<User> {
  const user = await getUser(kv, userId);
  if (!user || user.teamId !== teamId || user.removedAt) throw notFound("No such member.");
  return user;
}

export async function updateProfile(kv: Deno.Kv, userId: string, input: unknown): Promise<User> {
  const data = parse(ProfileInput, input);
  const entry = await kv.get<User>(keys.user(userId));
  if (!entry.value) throw notFound("No such user.");
  const user = { ...entry.value, ...presentFields(data) };
  await commitOrConflict(kv.atomic().check(entry).set(keys.user(userId), user));
  return user;
}

/**
 * Changes a password after checking the current one; every session of the user ends. A wrong current password
 * counts as a failed sign-in of the account, and is refused like one once there are too many.
 */
export async function changePassword(
  kv: Deno.Kv,
  userId: string,
  input: unknown,
  { now, iterations = DEFAULT_ITERATIONS }: AccountOptions,
): Promise<User> {
  const parsed = PasswordChangeInput.safeParse(input);
  const problems = parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues);
  const entry = await kv.get<User>(keys.user(userId));
  if (!entry.value) throw notFound("No such user.");
  // Its own counter decides: strangers' guesses at the sign-in page must not stop the signed-in owner. A wrong
  // guess here counts there too, so whoever holds a session gets no more guesses than at the sign-in page.
  const changes = { account: `password-change:${userId}` };
  await assertSignInAllowed(kv, changes, now);
  // The current password is checked even when the new one is refused, so both are said at once.
  const current = (input as { currentPassword?: unknown } | null)?.currentPassword;
  if (typeof current === "string" && current && !(await verifyPassword(current, entry.value.passwordHash))) {
    await recordSignInFailure(kv, changes, now);
    await recordSignInFailure(kv, { account: entry.value.email }, now);
    problems.currentPassword = "That is not your current password.";
  }
  if (!parsed.success || Object.keys(problems).length) throw invalid(problems);
  const user = { ...entry.value, passwordHash: await hashPassword(parsed.data.newPassword, iterations) };
  await commitOrConflict(kv.atomic().check(entry).set(keys.user(userId), user));
  await deleteUserSessions(kv, userId);
  return user;
}

export async function listMembers(kv: Deno.Kv, teamId: string): Promise<User[]> {
  const ids = await listValues<string>(kv, { prefix: keys.member(teamId) });
  const users = await getValues<User>(kv, ids.map(keys.user));
  return users.filter((u): u is User => !!u && !u.removedAt)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * An admin other than `userId` (the actor, when they are one), as last read. The commit that takes `userId`'s
 * admin rights checks it, so two admins demoting or removing each other at once can't leave the team none.
 */
async function anotherAdmin(kv: Deno.Kv, actor: User, userId: string): Promise<Deno.KvEntry<User>> {
  const admins = (await listMembers(kv, actor.teamId)).filter((u) => u.role === "admin" && u.id !== userId);
  const admin = admins.find((u) => u.id === actor.id) ?? admins[0];
  const entry = admin && await kv.get<User>(keys.user(admin.id));
  if (!entry || entry.value?.role !== "admin" || entry.value.removedAt) {
    throw conflict("A team needs at least one admin. Make someone else an admin first.");
  }
  return entry as Deno.KvEntry<User>;
}

export async function setMemberRole(
  kv: Deno.Kv,
  actor: User,
  userId: string,
  role: Role,
): Promise<User> {
  if (actor.role !== "admin") throw forbidden("Only admins can change roles.");
  const target = await getTeamUser(kv, actor.teamId, userId);
  if (target.role === role) return target;
  const op = kv.atomic();
  if (role !== "admin") op.check(await anotherAdmin(kv, actor, userId));
  const entry = await kv.get<User>(keys.user(userId));
  const user = { ...entry.value!, role };
  await commitOrConflict(op.check(entry).set(keys.user(userId), user));
  return user;
}

/** Removes a member: they can no longer sign in; their name stays on what they sent. */
export async function removeMember(kv: Deno.Kv, actor: User, userId: string, now: number): Promise<void> {
  if (actor.role !== "admin") throw forbidden("Only admins can remove members.");
  const target = await getTeamUser(kv, actor.teamId, userId);
  const op = kv.atomic();
  if (target.role === "admin") op.check(await anotherAdmin(kv, actor, userId));
  const entry = await kv.get<User>(keys.user(userId));
  await commitOrConflict(
    op.check(entry)
      .set(keys.user(userId), { ...entry.value!, removedAt: now })
      .delete(keys.member(actor.teamId, userId)),
  );
  await deleteUserSessions(kv, userId);
}

/** Names of users by id (removed members included: their name stays on what they sent). */
export async function userNames(kv: Deno.Kv, ids: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  const users = await getValues<User>(kv, unique.map(keys.user));
  return Object.fromEntries(users.filter((u): u is User => !!u).map((u) => [u.id, u.name]));
}

/**
 * The team's members' names by id, and those of `others` (senders of what a page shows, former members among
 * them): for rows a page shows now and those that reach it live.
 */
export async function memberNames(
  kv: Deno.Kv,
  teamId: string,
  others: string[],
): Promise<Record<string, string>> {
  const members = Object.fromEntries((await listMembers(kv, teamId)).map((u) => [u.id, u.name]));
  return { ...members, ...await userNames(kv, others.filter((id) => !(id in members))) };
}
