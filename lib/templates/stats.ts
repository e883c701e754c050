/**
 * Template results: per template and per version, over the followed copies sent from it — sent, opened,
 * clicked, replied, median time to reply — and the same over time, for the chart.
 *
 * Where sends come from: the team's sent messages, scanned (`["team", t, "message"]`), keeping the followed
 * ones; a message's `template` ({ id, version }) says which template and version it came from. A scan needs no
 * change to the send path and is fine for a small team (thousands of messages); a team with far more would
 * add a `message_by_template` index at send time. See docs/TEMPLATE_RECOMMENDATIONS.md, "Where the numbers
 * come from".
 *
 * `loadSends` does the reading; everything else here is pure.
 */
import { messageKeys } from "../messages/keys.ts";
import type { Message, TemplateRef } from "../messages/types.ts";
import { getValues, listValues } from "../storage/kv.ts";
import { trackingKeys } from "../tracking/keys.ts";
import { eventEntries } from "../tracking/event_log.ts";
import { countsAsReply, type MessageStats } from "../tracking/types.ts";
import { median, rate } from "./ranking.ts";

/**
 * How opens and clicks are counted: from each message's counters (`message_stats`), which count people's
 * opens and clicks only (lib/classify's verdicts): machine and unknown ones are left out.
 */
export const OPEN_BASIS = "human" as const;

/** Said wherever an open or click rate is shown. */
export const OPEN_BASIS_NOTE =
  "Open and click rates count people only: opens and clicks by machines (privacy proxies, security " +
  "scanners, link checkers) are left out.";

/** One followed copy that was sent, with what happened to it. */
export interface Send {
  messageId: string;
  template: TemplateRef | null;
  senderId: string;
  sentAt: number;
  /** Contacts among its To recipients (for evidence levels). */
  contactIds: string[];
  opened: boolean;
  clicked: boolean;
  /** At least one reply that counts (from a recipient, not an auto-reply). */
  replied: boolean;
  /** First counted reply − sent, when replied. */
  replyMs: number | null;
}

/** Whether a copy was opened / clicked, from its counters (see OPEN_BASIS). Prefetches are never counted. */
function opened(stats: MessageStats | null): boolean {
  return (stats?.opens ?? 0) > 0;
}
function clicked(stats: MessageStats | null): boolean {
  return (stats?.clicks ?? 0) > 0;
}

/** The first reply that counts, from the message's events (only read for messages that have one). */
async function firstReplyAt(kv: Deno.Kv, teamId: string, messageId: string): Promise<number | null> {
  for await (const { events } of eventEntries(kv, trackingKeys.event(teamId, messageId))) {
    const reply = events.find(countsAsReply);
    if (reply) return reply.at;
  }
  return null;
}

/** Every followed, sent copy of the team (from templates or not), oldest first. */
export async function loadSends(kv: Deno.Kv, teamId: string): Promise<Send[]> {
  const messages = (await listValues<Message>(kv, { prefix: messageKeys.message(teamId) }))
    .filter((m) => m.status === "sent" && m.follow === "following" && m.sentAt !== null);
  const stats = await getValues<MessageStats>(kv, messages.map((m) => trackingKeys.stats(teamId, m.id)));
  const sends: Send[] = [];
  for (const [i, m] of messages.entries()) {
    const s = stats[i];
    const replyAt = (s?.replies ?? 0) > 0 ? await firstReplyAt(kv, teamId, m.id) : null;
    sends.push({
      messageId: m.id,
      template: m.template ?? null,
      senderId: m.senderId,
      sentAt: m.sentAt!,
      contactIds: m.to.map((r) => r.contactId).filter((id): id is string => !!id),
      opened: opened(s),
      clicked: clicked(s),
      replied: replyAt !== null,
      replyMs: replyAt === null ? null : Math.max(0, replyAt - m.sentAt!),
    });
  }
  return sends.sort((a, b) => a.sentAt - b.sentAt);
}

/** The numbers shown for a set of sends. Rates are null (not 0) when nothing was sent. */
export interface Results {
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
  openRate: number | null;
  clickRate: number | null;
  replyRate: number | null;
  medianReplyMs: number | null;
}

export function summarize(sends: Send[]): Results {
  const sent = sends.length;
  const o = sends.filter((s) => s.opened).length;
  const c = sends.filter((s) => s.clicked).length;
  const replies = sends.filter((s) => s.replied);
  return {
    sent,
    opened: o,
    clicked: c,
    replied: replies.length,
    openRate: rate(o, sent),
    clickRate: rate(c, sent),
    replyRate: rate(replies.length, sent),
    medianReplyMs: median(replies.map((s) => s.replyMs ?? 0)),
  };
}

export interface TemplateResults {
  overall: Results;
  /** Every version that was sent, in order. */
  versions: (Results & { version: number })[];
  lastSentAt: number | null;
}

export const NO_RESULTS: Results = summarize([]);

/** The sends from one template. */
export function sendsOf(sends: Send[], templateId: string): Send[] {
  return sends.filter((s) => s.template?.id === templateId);
}

/** Overall and per-version results of one template's sends. */
export function templateResults(sends: Send[]): TemplateResults {
  const byVersion = new Map<number, Send[]>();
  for (const s of sends) {
    const v = s.template?.version ?? 0;
    byVersion.set(v, [...byVersion.get(v) ?? [], s]);
  }
  return {
    overall: summarize(sends),
    versions: [...byVersion.entries()].sort(([a], [b]) => a - b).map(([version, list]) => ({
      version,
      ...summarize(list),
    })),
    lastSentAt: sends.length ? Math.max(...sends.map((s) => s.sentAt)) : null,
  };
}

/** Results of every template that has sends, by template id. */
export function resultsByTemplate(sends: Send[]): Map<string, TemplateResults> {
  const groups = new Map<string, Send[]>();
  for (const s of sends) {
    if (!s.template) continue;
    groups.set(s.template.id, [...groups.get(s.template.id) ?? [], s]);
  }
  return new Map([...groups].map(([id, list]) => [id, templateResults(list)]));
}

export type BucketSize = "day" | "week" | "month";

export interface Bucket extends Results {
  start: number;
  end: number;
}

const DAY = 86_400_000;

function bucketStart(ms: number, size: BucketSize): number {
  const d = new Date(ms);
  if (size === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (size === "day") return day;
  return day - ((d.getUTCDay() + 6) % 7) * DAY; // Monday
}

function nextStart(start: number, size: BucketSize): number {
  if (size === "day") return start + DAY;
  if (size === "week") return start + 7 * DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Days for up to three weeks of history, weeks up to about half a year, months beyond (UTC calendar). */
export function bucketSize(from: number, to: number): BucketSize {
  const span = to - from;
  return span <= 21 * DAY ? "day" : span <= 183 * DAY ? "week" : "month";
}

/**
 * Results per calendar day, week (from Monday) or month, from the first send to `now`, empty periods
 * included (a gap in sending shows as a gap). At most `max` buckets, the latest.
 */
export function resultsOverTime(
  sends: Send[],
  now: number,
  max = 26,
): { size: BucketSize; buckets: Bucket[] } {
  if (!sends.length) return { size: "week", buckets: [] };
  const first = Math.min(...sends.map((s) => s.sentAt));
  const size = bucketSize(first, Math.max(now, first));
  const buckets: Bucket[] = [];
  const last = bucketStart(Math.max(now, first), size);
  for (let start = bucketStart(first, size); start <= last; start = nextStart(start, size)) {
    const end = nextStart(start, size);
    buckets.push({ start, end, ...summarize(sends.filter((s) => s.sentAt >= start && s.sentAt < end)) });
  }
  return { size, buckets: buckets.slice(-max) };
}
