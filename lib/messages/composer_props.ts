/** What the compose page hands the composer island. Shared by the page (server) and the island (browser). */
import type { FollowState, Recipient, Regarding } from "./types.ts";

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
  updatedAt: number;
}

export interface ComposerProps {
  /** The draft being edited, or null for a new email (created on the first change). */
  draft: ComposerDraft | null;
  /** Prefilled To and Regarding for a new email (e.g. from a contact page). */
  prefill: { to: Recipient[]; regarding: (Regarding & { label: string }) | null } | null;
  /** The team's default for new emails. */
  followByDefault: boolean;
  /** The seller's IANA zone. */
  zone: string;
}
