/**
 * Recommendations for the email being written: who it is for (a draft's recipient, or a chosen contact), the
 * evidence levels of each template around that person (same contact, company, role family, industry, the whole
 * team), and `rankTemplates` (ranking.ts) over them. The levels are built by `evidenceLevels`, which is pure.
 */
import { contactKeys } from "../contacts/keys.ts";
import { type Company, type Contact, contactLabel, sortKey } from "../contacts/types.ts";
import { AppError } from "../http/errors.ts";
import { getMessage, type Viewer } from "../messages/drafts.ts";
import type { Message } from "../messages/types.ts";
import { getValues, listValues } from "../storage/kv.ts";
import {
  type Candidate,
  type EvidenceLevel,
  levelLabel,
  type Outcome,
  priorMean,
  type Ranked,
  rankTemplates,
  teamAverageNote,
  teamPrior,
  titleRole,
} from "./ranking.ts";
import { loadSends, resultsByTemplate, type Send, type TemplateResults } from "./stats.ts";
import {
  canEdit,
  categoriesOf,
  contactWithCompany,
  listTemplates,
  matchesFilter,
  type TemplateFilter,
} from "./templates.ts";
import type { Template } from "./types.ts";

/** The person an email is for, as the levels need them. Every part may be missing. */
export interface Target {
  contactId: string | null;
  contactName: string;
  companyId: string | null;
  companyName: string;
  /** Role family of the contact's title (titleRole), or null. */
  role: string | null;
  industry: string;
}

export const NO_TARGET: Target = {
  contactId: null,
  contactName: "",
  companyId: null,
  companyName: "",
  role: null,
  industry: "",
};

/** What the levels know about a recipient of a past send (their contact record as it is now). */
export interface RecipientFacts {
  companyId: string | null;
  role: string | null;
  industry: string;
}

function outcome(sends: Send[]): Outcome {
  return { sends: sends.length, replies: sends.filter((s) => s.replied).length };
}

/**
 * A template's evidence levels for `target`, closest first, from its sends. A send counts at a level when one
 * of its To contacts matches: the target contact itself; anyone at the target's company; anyone whose title is
 * in the same role family; anyone at a company in the same industry (case-insensitive). Levels the target has
 * nothing for (no contact, no company, a title without a family, no industry) are left out; "team" (every send
 * of the template) is always there.
 */
export function evidenceLevels(
  sends: Send[],
  facts: Map<string, RecipientFacts>,
  target: Target,
): EvidenceLevel[] {
  const recipients = (s: Send) =>
    s.contactIds.map((id) => facts.get(id)).filter((f): f is RecipientFacts => !!f);
  const levels: EvidenceLevel[] = [];
  if (target.contactId) {
    levels.push({
      kind: "contact",
      label: levelLabel("contact", target.contactName),
      outcome: outcome(sends.filter((s) => s.contactIds.includes(target.contactId!))),
    });
  }
  if (target.companyId) {
    levels.push({
      kind: "company",
      label: levelLabel("company", target.companyName),
      outcome: outcome(sends.filter((s) => recipients(s).some((r) => r.companyId === target.companyId))),
    });
  }
  if (target.role) {
    levels.push({
      kind: "title",
      label: levelLabel("title", target.role),
      outcome: outcome(sends.filter((s) => recipients(s).some((r) => r.role === target.role))),
    });
  }
  const industry = sortKey(target.industry);
  if (industry) {
    levels.push({
      kind: "industry",
      label: levelLabel("industry", target.industry.trim()),
      outcome: outcome(sends.filter((s) => recipients(s).some((r) => sortKey(r.industry) === industry))),
    });
  }
  levels.push({ kind: "team", label: levelLabel("team"), outcome: outcome(sends) });
  return levels;
}

/** The team's followed sends and replies (all of them, from templates or not): the prior's evidence. */
export function teamOutcome(sends: Send[]): Outcome {
  return outcome(sends);
}

export function targetOf(contact: Contact | null, company: Company | null): Target {
  if (!contact) return NO_TARGET;
  return {
    contactId: contact.id,
    contactName: contactLabel(contact),
    companyId: company?.id ?? null,
    companyName: company?.name ?? "",
    role: titleRole(contact.title),
    industry: company?.industry ?? "",
  };
}

/**
 * The contact an email is for: its first To recipient that is a contact, else the contact it is regarding;
 * null when there is none (then only the team level is used).
 */
export function messageContactId(message: Pick<Message, "to" | "regarding">): string | null {
  return message.to.find((r) => r.contactId)?.contactId ??
    (message.regarding?.type === "contact" ? message.regarding.id : null);
}

/** The target for a draft (`messageId`) or a contact (`contactId`); 404 when either is not the team's. */
export async function resolveTarget(
  kv: Deno.Kv,
  teamId: string,
  { messageId, contactId }: { messageId?: string | null; contactId?: string | null },
): Promise<{ target: Target; contact: Contact | null; company: Company | null; message: Message | null }> {
  const message = messageId ? await getMessage(kv, teamId, messageId) : null;
  const id = message ? messageContactId(message) : contactId ?? null;
  if (!id) return { target: NO_TARGET, contact: null, company: null, message };
  try {
    const { contact, company } = await contactWithCompany(kv, teamId, id);
    return { target: targetOf(contact, company), contact, company, message };
  } catch (error) {
    // A draft's recipient may have been deleted since: rank for the team instead.
    if (message && error instanceof AppError && error.status === 404) {
      return { target: NO_TARGET, contact: null, company: null, message };
    }
    throw error;
  }
}

/** Facts about every contact that received a template, for the levels. */
export async function recipientFacts(kv: Deno.Kv, teamId: string, sends: Send[]) {
  const ids = [...new Set(sends.filter((s) => s.template).flatMap((s) => s.contactIds))];
  const [contacts, companies] = await Promise.all([
    getValues<Contact>(kv, ids.map((id) => contactKeys.contact(teamId, id))),
    listValues<Company>(kv, { prefix: contactKeys.company(teamId) }),
  ]);
  const byId = new Map(companies.map((c) => [c.id, c]));
  const facts = new Map<string, RecipientFacts>();
  for (const contact of contacts) {
    if (!contact) continue;
    const company = contact.companyId ? byId.get(contact.companyId) : undefined;
    facts.set(contact.id, {
      companyId: company?.id ?? null,
      role: titleRole(contact.title),
      industry: company?.industry ?? "",
    });
  }
  return facts;
}

export interface Recommendation {
  /** In ranked order (best first). */
  ranked: Ranked[];
  /** The team average the estimates are shrunk toward. */
  teamAverage: number;
  /** What that average is made of, in words. */
  teamAverageNote: string;
}

/** Ranks `templates` for `target` from the team's sends (see docs/TEMPLATE_RECOMMENDATIONS.md). */
export function recommend(
  templates: Template[],
  sends: Send[],
  facts: Map<string, RecipientFacts>,
  target: Target,
): Recommendation {
  const team = teamOutcome(sends);
  const byTemplate = new Map<string, Send[]>();
  for (const s of sends) {
    if (s.template) byTemplate.set(s.template.id, [...byTemplate.get(s.template.id) ?? [], s]);
  }
  const candidates: Candidate[] = templates.map((t) => ({
    templateId: t.id,
    name: t.name,
    levels: evidenceLevels(byTemplate.get(t.id) ?? [], facts, target),
  }));
  return {
    ranked: rankTemplates(candidates, team),
    teamAverage: priorMean(teamPrior(team)),
    teamAverageNote: teamAverageNote(team),
  };
}

export interface LibraryItem {
  template: Template;
  /** Its results over every version; null when it was never sent (followed). */
  results: TemplateResults | null;
  /** Its place in the ranking for the target; null for archived templates (they are not suggested). */
  ranked: Ranked | null;
  /** 1 for the best, among the active templates the viewer can see. */
  rank: number | null;
  canEdit: boolean;
}

export interface Library {
  items: LibraryItem[];
  teamAverage: number;
  teamAverageNote: string;
  target: Target;
  /** The target's contact and company records (null when there is no target). */
  contact: Contact | null;
  company: Company | null;
  /** Every category among the viewer's active templates. */
  categories: string[];
}

/**
 * The library as one viewer sees it: their templates with results and their ranking for the target (a draft or
 * a contact; none: the team level only). The ranking is over all active templates the viewer can see, so the
 * star does not move when the list is filtered; `sort` "recommended" keeps ranked order, "name" sorts by name.
 */
export async function templateLibrary(
  kv: Deno.Kv,
  viewer: Viewer,
  filter: TemplateFilter,
  options: { messageId?: string | null; contactId?: string | null; sort?: "name" | "recommended" } = {},
): Promise<Library> {
  const teamId = viewer.team.id;
  const [all, sends, { target, contact, company }] = await Promise.all([
    listTemplates(kv, viewer, { archived: "all" }),
    loadSends(kv, teamId),
    resolveTarget(kv, teamId, options),
  ]);
  const active = all.filter((t) => t.archivedAt === null);
  const facts = target.contactId
    ? await recipientFacts(kv, teamId, sends)
    : new Map<string, RecipientFacts>();
  const { ranked, teamAverage, teamAverageNote } = recommend(active, sends, facts, target);
  const places = new Map(ranked.map((r, i) => [r.templateId, { ranked: r, rank: i + 1 }]));
  const results = resultsByTemplate(sends);
  const byId = new Map(all.map((t) => [t.id, t]));
  const ordered = options.sort === "recommended"
    ? [...ranked.map((r) => byId.get(r.templateId)!), ...all.filter((t) => t.archivedAt !== null)]
    : all;
  const items = ordered.filter((t) => matchesFilter(t, filter)).map((template) => ({
    template,
    results: results.get(template.id) ?? null,
    ranked: places.get(template.id)?.ranked ?? null,
    rank: places.get(template.id)?.rank ?? null,
    canEdit: canEdit(template, viewer.user),
  }));
  return { items, teamAverage, teamAverageNote, target, contact, company, categories: categoriesOf(active) };
}
