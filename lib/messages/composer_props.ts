/** What the compose page hands the composer island. Shared by the page (server) and the island (browser). */
import type { Alarm } from "../alarms/types.ts";
import type { BusinessHours } from "../scheduling/business_hours.ts";
import type { FollowState, MessageAttachment, Recipient, Regarding, TemplateRef } from "./types.ts";

export interface ComposerDraft {
  id: string;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  subject: string;
  /** Sanitized HTML. */
  html: string;
  regarding: (Regarding & { label: string }) | null;
  followWanted: boolean;
  follow: FollowState;
  /** Emails of recipients whose contact preference is "do not allow". */
  blockedBy: string[];
  sendIndividually: boolean;
  /** The draft's files (uploaded already). */
  attachments: MessageAttachment[];
  /** The template it came from, with that version's name (null when the template can't be read any more). */
  template: (TemplateRef & { name: string | null }) | null;
  updatedAt: number;
  /** The content revision it was read at (0 on drafts stored before revisions): saves are made to it. */
  revision: number;
}

export interface ComposerProps {
  /** The draft being edited, or null for a new email (created on the first change). */
  draft: ComposerDraft | null;
  /**
   * A new email's key (`createDraftOnce`), kept in the page's address: its draft is created once, however often
   * the first save is sent, and the page reloaded finds it.
   */
  draftKey: string | null;
  /** Prefilled To and Regarding for a new email (e.g. from a contact page). */
  prefill: { to: Recipient[]; regarding: (Regarding & { label: string }) | null } | null;
  /** The team's default for new emails. */
  followByDefault: boolean;
  /** The seller's IANA zone: every time the composer shows or reads is in it (not the browser's zone). */
  zone: string;
  /** The team's business hours: quick choices for send-later and alarm times move into them. */
  hours: BusinessHours;
  /** The draft's follow-up alarms (none for a new email). */
  alarms: Alarm[];
  /** Attachment size limits (config.attachments), checked before uploading; the server checks again. */
  attachmentLimits: { maxFileBytes: number; maxMessageBytes: number };
}
