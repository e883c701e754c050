/**
 * Where a message is listed: the team's Activity list, its sender's, and the timelines of its contacts and
 * companies, newest first. Every one of those indexes keys the message by its list key, a ULID made when it is
 * queued and again when it goes out, so an email sent today comes before one sent yesterday whenever its draft
 * was written. Drafts are not listed. Messages stored before list keys were listed by their id (the draft's
 * creation) and are still found there.
 */
import { accountKeys } from "../accounts/keys.ts";
import { messageKeys as keys } from "./keys.ts";
import type { Message } from "./types.ts";

type Listed = Pick<Message, "id" | "teamId" | "senderId" | "contactIds" | "companyIds" | "listKey">;

/** The key a message is listed under. */
export const listKeyOf = (m: Pick<Message, "id" | "listKey">): string => m.listKey ?? m.id;

/** Every index entry a message is listed under (for a draft, those its id would have). */
export function listedKeys(m: Listed): Deno.KvKey[] {
  const at = listKeyOf(m);
  return [
    keys.listed(m.teamId, at),
    keys.bySender(m.teamId, m.senderId, at),
    ...m.contactIds.map((id) => keys.byContact(m.teamId, id, at)),
    ...m.companyIds.map((id) => keys.byCompany(m.teamId, id, at)),
  ];
}

/**
 * Adds to `op` what takes a message from where `before` was listed (null: a new copy, listed nowhere) to where
 * `after` is: nowhere when `after` has no list key (a draft again), else under it.
 */
export function relist(op: Deno.AtomicOperation, before: Listed | null, after: Listed): void {
  if (before) { for (const key of listedKeys(before)) op.delete(key); }
  if (after.listKey) { for (const key of listedKeys(after)) op.set(key, after.id); }
}

/**
 * Emails stored before list keys were never in the team's list (`message_listed`): once per database, each
 * queued or sent one is put there under its id, where its other indexes already have it. An email that changes
 * meanwhile is left to the change (it is listed anew). A run cut short runs again at the next start.
 */
export async function listOlderMessages(kv: Deno.Kv): Promise<number> {
  if ((await kv.get(keys.olderListed())).value) return 0;
  const teams = new Set<string>();
  for await (const { value } of kv.list<{ teamId: string }>({ prefix: accountKeys.user() })) {
    teams.add(value.teamId);
  }
  let listed = 0;
  for (const teamId of teams) {
    for await (const entry of kv.list<Message>({ prefix: keys.message(teamId) })) {
      const m = entry.value;
      if (m.status === "draft" || m.listKey !== undefined) continue;
      const done = await kv.atomic().check(entry).set(keys.listed(teamId, m.id), m.id).commit();
      if (done.ok) listed++;
    }
  }
  await kv.set(keys.olderListed(), { listed });
  return listed;
}
