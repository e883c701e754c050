import type { JobRef } from "../scheduler/scheduler.ts";
import type { DeliveryState } from "./delivery_status.ts";

export type MessageStatus = "draft" | "scheduled" | "sending" | "sent" | "failed";

/**
 * Following, as in Dynamics 365's email engagement: `following` adds the pixel
 * and tracked links; `not_following` is the seller's choice; `blocked` means a
 * recipient's contact preference is "do not allow", so nothing is tracked.
 */
export type FollowState = "following" | "not_following" | "blocked";

export interface Recipient {
  email: string;
  /** The contact's name when the address belongs to a contact. */
  name: string;
  contactId: string | null;
}

export interface Regarding {
  type: "contact" | "company";
  id: string;
}

/** A file on a message. Followed ones are stored by Beacon and sent as a tracked link; others are attached. */
export interface MessageAttachment {
  blobId: string;
  filename: string;
  contentType: string;
  size: number;
  followed: boolean;
}

/** The template (and version) a message was written from. */
export interface TemplateRef {
  id: string;
  version: number;
}

/** A send that failed, and when. */
export interface SendFailure {
  /** The provider's reason in full. */
  reason: string;
  /** The reason in a few words, for lists and alerts ("address rejected"); absent on older records. */
  summary?: string;
  at: number;
}

/** How many failed sends a message keeps in its history. */
export const MAX_FAILURES = 20;

export interface Message {
  id: string;
  teamId: string;
  senderId: string;
  status: MessageStatus;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  subject: string;
  /** Sanitized HTML is kept in chunks under `message_body`; this is how many. */
  bodyChunks: number;
  /** Plain-text start of the body, for lists. */
  snippet: string;
  regarding: Regarding | null;
  /** What the seller asked for; the effective state is `follow`. */
  followWanted: boolean;
  follow: FollowState;
  /** Recipients whose preference blocks following (emails). */
  blockedBy: string[];
  /** One copy per To recipient, each with its own tracking. */
  sendIndividually: boolean;
  /** For copies made by "send individually": their group, whose id keys the body they share. */
  groupId: string | null;
  /** Contacts and companies this message is about or addressed to (timeline indexes). */
  contactIds: string[];
  companyIds: string[];
  /** Set when sent: the RFC 822 Message-ID and the provider's id. */
  rfcMessageId: string | null;
  providerId: string | null;
  /** Tracked link destinations by link index (followed messages). */
  links: string[];
  /** The link index of the hidden honeypot link (followed messages), after the real links. */
  honeypotIndex?: number | null;
  /** The pending delivery job while status is scheduled or sending. */
  job: JobRef | null;
  /** Delivery attempts that reached the provider, part of the idempotency key. */
  sendAttempt: number;
  /** Why the message is `failed`; null in every other status. */
  failure: SendFailure | null;
  /** Every send that failed, oldest first (the last MAX_FAILURES): the history keeps them after a retry. */
  failures?: SendFailure[];
  /** How late delivery ran compared with when it was due (set when over a minute, e.g. after downtime). */
  lateByMs: number | null;
  /** The one recipient's name and zone, when there is one with a known zone: times are shown in it too. */
  recipientTime: { name: string; zone: string } | null;
  attachments: MessageAttachment[];
  template: TemplateRef | null;
  /** The provider's latest delivery report (most final wins). */
  delivery?: DeliveryState | null;
  createdAt: number;
  updatedAt: number;
  /**
   * How many times its content was saved (1 when created): an update made to an older revision is refused, so
   * a tab or device left open on a draft never silently overwrites what was written since elsewhere. Absent on
   * drafts stored before it (0).
   */
  revision?: number;
  queuedAt: number | null;
  sentAt: number | null;
  /**
   * What the Activity list and timelines order it by, newest first (`listing.ts`): made when it was queued, and
   * again when it went out. Null for a draft (not listed); absent on messages stored before it (their id).
   */
  listKey?: string | null;
}

export function allRecipients(m: Pick<Message, "to" | "cc" | "bcc">): Recipient[] {
  return [...m.to, ...m.cc, ...m.bcc];
}

/** A message's failed sends, oldest first (a record from before the history was kept has at most its current one). */
export function failureHistory(m: Pick<Message, "failure" | "failures">): SendFailure[] {
  return m.failures ?? (m.failure ? [m.failure] : []);
}

/** The message after a failed send: `failed`, with the failure as its reason and added to its history. */
export function withFailure(m: Message, failure: SendFailure): Message {
  return {
    ...m,
    status: "failed",
    job: null,
    failure,
    failures: [...failureHistory(m), failure].slice(-MAX_FAILURES),
  };
}
