/** Email templates: team-wide or personal, versioned on every edit of what they say. */

export type TemplateScope = "team" | "personal";

export interface Template {
  id: string;
  teamId: string;
  /** "team": every member sees it; "personal": only its owner does (everyone else gets a 404). */
  scope: TemplateScope;
  /** Who created it (a personal template's only reader). */
  ownerId: string;
  /** The current version's name, subject and body. */
  name: string;
  category: string;
  subject: string;
  /** The current version number (1 on create, n + 1 on every edit of name, subject or body). */
  version: number;
  /** Chunks of the current version's body (under `template_body`, id, version). */
  bodyChunks: number;
  /** Team templates only: when locked, only admins change it. */
  locked: boolean;
  /** Archived templates are left out of the picker and the default library list. */
  archivedAt: number | null;
  /** The template this one was duplicated from. */
  duplicatedFrom: string | null;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

/** One version as it was written. The body is in chunks. */
export interface TemplateVersion {
  templateId: string;
  version: number;
  name: string;
  subject: string;
  bodyChunks: number;
  createdAt: number;
  createdBy: string;
}

/** A version with its body. */
export interface TemplateVersionDetail extends Omit<TemplateVersion, "bodyChunks"> {
  html: string;
}

/** The template and the current version's body. */
export interface TemplateDetail extends Template {
  html: string;
}

/** Suggested categories for the editor (any text is allowed). */
export const DEFAULT_CATEGORIES = ["Intro", "Follow-up", "Meeting", "Proposal", "Check-in", "Break-up"];

/** The numbers shown for a template (or a version), as the API sends them. */
export interface ResultsView {
  sent: number;
  openRate: number | null;
  clickRate: number | null;
  replyRate: number | null;
  medianReplyMs: number | null;
}

/** A template's place in the ranking for the email being written, as the API sends it. */
export interface RankingView {
  rank: number;
  expected: number;
  low: number;
  high: number;
  recommended: boolean;
  explanation: string;
  level: { kind: string; label: string; sends: number; replies: number };
}

/** One template in the picker (a subset of the API's TemplateListItem). */
export interface PickerItem {
  id: string;
  name: string;
  category: string;
  scope: TemplateScope;
  subject: string;
  version: number;
  results: ResultsView;
  ranking: RankingView | null;
}

/** What the picker lists (a subset of GET /api/templates). */
export interface PickerData {
  items: PickerItem[];
  teamAverage: number;
  teamAverageNote: string;
  target: { contactId: string | null; contactName: string };
  categories: string[];
  openBasisNote: string;
}
