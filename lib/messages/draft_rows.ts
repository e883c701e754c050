/** The seller's drafts as the Activity page lists them, and how a live change moves one. Pure. */
import { clip } from "../text/clip.ts";
import { formatDateTime } from "../time/format.ts";
import { recipientLabel } from "./rows.ts";
import { allRecipients, type Message } from "./types.ts";

export interface DraftRow {
  id: string;
  subject: string;
  /** "To Ana Lima +2", or null before any recipient is added. */
  to: string | null;
  /** How an untitled draft begins (empty when it has a subject). */
  opening: string;
  updatedAt: number;
}

export function toDraftRow(draft: Message): DraftRow {
  return {
    id: draft.id,
    subject: draft.subject,
    to: allRecipients(draft).length ? `To ${recipientLabel(draft)}` : null,
    // Untitled drafts are told apart by how they begin.
    opening: !draft.subject && draft.snippet ? clip(draft.snippet, 60) : "",
    updatedAt: draft.updatedAt,
  };
}

/** Whether two versions of a draft show alike in the list (but for when each was saved). */
export function listedAlike(a: Message, b: Message): boolean {
  const [x, y] = [toDraftRow(a), toDraftRow(b)];
  return x.subject === y.subject && x.to === y.to && x.opening === y.opening;
}

/** The line under a draft's subject: its recipients, how it begins when untitled, when it was saved. */
export const draftLine = (row: DraftRow, zone: string, now: number): string =>
  [
    row.to ?? "No recipients yet",
    row.opening && `“${row.opening}”`,
    `saved ${formatDateTime(row.updatedAt, zone, now)}`,
  ].filter(Boolean).join(" · ");

/** Drafts newest saved first; ties (saved in the same millisecond) go newest id first, as ids grow with time. */
export const newestSavedFirst = (
  a: Pick<DraftRow, "id" | "updatedAt">,
  b: Pick<DraftRow, "id" | "updatedAt">,
) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1);

/**
 * The list after a message changed: a draft of the viewer's takes its place by when it was saved; anything else
 * (sent, scheduled, someone else's, gone) leaves it.
 */
export function withDraft(
  rows: DraftRow[],
  id: string,
  message: Message | null,
  viewerId: string,
): DraftRow[] {
  const others = rows.filter((r) => r.id !== id);
  if (message?.status !== "draft" || message.senderId !== viewerId) {
    return others.length === rows.length ? rows : others;
  }
  return [...others, toDraftRow(message)].sort(newestSavedFirst);
}
