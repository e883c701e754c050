/**
 * The email that brings an invite's link to the teammate. The team page (or the API's answer) shows the link
 * too, once, so an invite whose email can't go out can still be passed on by hand.
 */
import type { Mailer, OutgoingEmail } from "../mail/mailer.ts";
import { createInvite, type Invite } from "./invites.ts";
import type { Team, User } from "./types.ts";
import { beaconEmail } from "../mail/beacon_email.ts";
import { escapeHtml } from "../templates/merge.ts";

export interface InviteLetter {
  /** Who invites, and their address (replies go to them). */
  inviter: { name: string; email: string };
  team: string;
  to: string;
  url: string;
  /** Beacon's own sending address. */
  from: string;
}

/** The invite email: who asks, to which team, and the link (one use, seven days). Pure. */
export function inviteEmail(letter: InviteLetter): OutgoingEmail {
  const who = escapeHtml(letter.inviter.name), team = escapeHtml(letter.team);
  const html = `<p>${who} invited you to join ${team} on Beacon, where your team writes to customers and ` +
    `sees what they do with the emails.</p><p><a href="${escapeHtml(letter.url)}">Join ${team}</a></p>` +
    `<p>The link works once, for seven days. If you didn't expect it, you can ignore this email.</p>`;
  return beaconEmail({
    from: letter.from,
    to: letter.to,
    replyTo: letter.inviter.email,
    subject: `${letter.inviter.name} invited you to ${letter.team} on Beacon`,
    html,
  });
}

/** Sends it; false (logged) when the mailer refused, so the page can say to pass the link on by hand. */
export async function emailInvite(
  mailer: Mailer,
  letter: InviteLetter,
  options: { teamId: string; inviteId: string },
): Promise<boolean> {
  try {
    await mailer.send(inviteEmail(letter), {
      teamId: options.teamId,
      idempotencyKey: `invite:${options.inviteId}`,
    });
    return true;
  } catch (error) {
    console.error(`invite ${options.inviteId}: the email to ${letter.to} was not sent`, error);
    return false;
  }
}

/** An invite's link (its one-time token in Beacon's public address). */
export const inviteUrl = (baseUrl: string, token: string) => `${baseUrl}/invite/${token}`;

/** Makes an invite (see createInvite) and emails its link; says whether the email went out. */
export async function inviteByEmail(
  deps: { kv: Deno.Kv; mailer: Mailer; baseUrl: string; from: string },
  actor: User,
  team: Team,
  input: unknown,
  now: number,
): Promise<{ invite: Invite; url: string; emailed: boolean }> {
  const { invite, token } = await createInvite(deps.kv, actor, input, now);
  const url = inviteUrl(deps.baseUrl, token);
  const emailed = await emailInvite(deps.mailer, {
    inviter: { name: actor.name, email: actor.email },
    team: team.name,
    to: invite.email,
    url,
    from: deps.from,
  }, { teamId: team.id, inviteId: invite.id });
  return { invite, url, emailed };
}
