import { useEffect, useRef, useState } from "preact/hooks";
import { formatBytes } from "../lib/attachments/files.ts";
import { api, readMessage } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useReturnFocus } from "../lib/browser/return_focus.ts";
import { useNow } from "../lib/browser/now.ts";
import type { Classification } from "../lib/classify/types.ts";
import { type DeliveryKind, deliveryText } from "../lib/messages/delivery_status.ts";
import { deliveryAfter, type EngagementData, latestStats, messageIdOf } from "../lib/messages/rows.ts";
import { seenAt, type StatusLine, statusLine } from "../lib/messages/status.ts";
import { failureHistory, type Message } from "../lib/messages/types.ts";
import { formatDateTime, formatDuration, formatRelative, formatTimeBeside } from "../lib/time/format.ts";
import { cityOf } from "../lib/time/zones.ts";
import { describeEvent, shortUrl } from "../lib/tracking/describe.ts";
import { countedOpens, type MessageStats, type PublicEvent } from "../lib/tracking/types.ts";

type StatusFields = Pick<
  Message,
  "status" | "follow" | "failure" | "failures" | "job" | "sentAt" | "recipientTime" | "lateByMs" | "delivery"
>;

/** A file of the message as the page shows it. */
export interface AttachmentInfo {
  blobId: string;
  filename: string;
  size: number;
  /** Went out as a tracked link (a followed file of a followed email); otherwise it was attached. */
  tracked: boolean;
}

interface Props {
  messageId: string;
  message: StatusFields;
  stats: MessageStats | null;
  events: PublicEvent[];
  /** Where the older events start, when there are more than the first page holds (the events API's cursor). */
  older: string | null;
  links: string[];
  /** Every file of the message, in attachment-index order (views are counted per index). */
  attachments: AttachmentInfo[];
  zone: string;
  /** The recipient's zone and name when the message went to one contact with a known zone. */
  recipient: { name: string; zone: string } | null;
  /** Why engagement is partial or absent, in words ("not followed", "shared by 3 recipients"). */
  note: string | null;
  /** The team counts opens by Apple's privacy proxy as opens. */
  countProxyOpens: boolean;
  /** Recipients' names by lower-case address, for replies that come without a display name. */
  people: Record<string, string>;
}

type Detail = Message & { stats: MessageStats | null };
/** A page of GET /messages/{id}/events. */
type EventPage = { items: PublicEvent[]; stats: MessageStats | null; cursor: string | null };

// ---------------------------------------------------------------------------------------------------------
// People and machines, in words (shared with the timelines)

const PROXY_NAMES: Record<NonNullable<Classification["viaProxy"]>, string> = {
  apple: "Apple's privacy proxy",
  gmail: "Gmail's image proxy",
  yahoo: "Yahoo's image proxy",
  outlook: "Outlook's image proxy",
};

const MACHINE_NAMES: Record<NonNullable<Classification["kind"]>, string> = {
  prefetch: "a prefetch",
  privacy_proxy: "a mail privacy proxy",
  image_proxy: "a mail server",
  scanner: "a link scanner",
  bot: "a bot",
};

/** How an event reads beside its description: greyed or not, a short note, and the reason behind it. */
export interface EventLook {
  /** Not a person's (a machine, unknown, a prefetch, an auto-reply…): shown greyed. */
  muted: boolean;
  /** Said after the description: "via Gmail's image proxy — …", "by a link scanner, not counted". */
  note: string | null;
  /** The classifier's first reason, for the hover title and the "why?" disclosure. */
  why: string | null;
}

export function eventLook(
  e: Pick<PublicEvent, "type" | "prefetch" | "verdict" | "reply">,
  countProxyOpens: boolean,
): EventLook {
  if (e.type === "reply") {
    const counted = !!e.reply && e.reply.fromRecipient && !e.reply.autoReply;
    return { muted: !counted, note: null, why: null };
  }
  const v = e.verdict;
  const why = v?.reasons[0]?.text ?? null;
  // describeEvent already says "— HEAD request, not counted" / "— prefetch, not counted".
  if (e.prefetch) return { muted: true, note: null, why };
  if (!v || v.verdict === "human") {
    if (v?.viaProxy && v.viaProxy !== "apple" && e.type === "open") {
      return {
        muted: false,
        note: `via ${PROXY_NAMES[v.viaProxy]} — later opens may be hidden by caching`,
        why,
      };
    }
    return { muted: false, note: null, why: null };
  }
  if (v.kind === "privacy_proxy") {
    return {
      muted: true,
      note: countProxyOpens
        ? "by a mail privacy proxy — counted as an open (team setting)"
        : "by a mail privacy proxy — not counted",
      why,
    };
  }
  if (v.verdict === "machine") {
    return { muted: true, note: `by ${v.kind ? MACHINE_NAMES[v.kind] : "a machine"} — not counted`, why };
  }
  return { muted: true, note: "— maybe not a person, not counted", why };
}

/** A small "why?" that shows the reason on tap or keyboard focus (the hover title is mouse-only). */
export function Why({ text }: { text: string }) {
  return (
    <details class="why">
      <summary>
        why?<span class="sr-only">Why this is not counted as a person</span>
      </summary>
      <span class="why-text" data-testid="why-text">{text}</span>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------

function Kpi(
  { label, value, testId, aside }: {
    label: string;
    value: string | number;
    testId: string;
    /** Greyed beside the value: what machines did that is not counted. */
    aside?: { text: string; title: string } | null;
  },
) {
  return (
    <div class="kpi" data-testid={testId}>
      <div class={typeof value === "number" ? "kpi-value" : "kpi-value kpi-value-text"}>{value}</div>
      <div class="kpi-label">{label}</div>
      {aside && (
        <div class="kpi-machines" title={aside.title} data-testid={`${testId}-machines`}>
          {aside.text}
          <span class="sr-only">: {aside.title}</span>
        </div>
      )}
    </div>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "+2 by machines" beside the opens, and why. */
function machineOpens(stats: MessageStats | null, countProxyOpens: boolean) {
  const proxy = stats?.privacyProxyOpens ?? 0;
  const others = stats?.machineOpens ?? 0;
  if (countProxyOpens) {
    if (!others && !proxy) return null;
    const parts = [
      proxy && `includes ${plural(proxy, "open")} by mail privacy proxies, counted by the team's setting`,
      others && `${plural(others, "open")} by other machines or unknown clients, not counted`,
    ].filter(Boolean);
    return { text: others ? `+${others} by machines` : `incl. ${proxy} by proxies`, title: parts.join("; ") };
  }
  const total = proxy + others;
  if (!total) return null;
  const parts = [
    proxy && `${plural(proxy, "open")} by mail privacy proxies (Apple Mail), which fetch images at delivery`,
    others && `${plural(others, "open")} by other machines or unknown clients`,
  ].filter(Boolean);
  return { text: `+${total} by machines`, title: `${parts.join(" and ")} — not counted as opens` };
}

const DELIVERY_TONES: Record<DeliveryKind, string> = {
  sent: "grey",
  delivery_delayed: "amber",
  delivered: "green",
  complained: "red",
  bounced: "red",
  failed: "red",
};

/** KPIs, attachments, replies, clicks per link and the interaction history of one message, updated live. */
export default function EngagementPanel(props: Props) {
  const [stats, setStats] = useState(props.stats);
  const [events, setEvents] = useState(props.events);
  const [message, setMessage] = useState(props.message);
  // A page rendered while the email was being sent has no links yet: they come with the message's update.
  const [links, setLinks] = useState(props.links);
  const [now, touch] = useNow();
  const [fresh, setFresh] = useState<string | null>(null);
  const [older, setOlder] = useState(props.older);
  const [olderState, setOlderState] = useState<"idle" | "loading" | "failed">("idle");
  const history = useRef<HTMLOListElement>(null);
  const focus = useReturnFocus();

  useEffect(() =>
    onLive(async (live) => {
      if (messageIdOf(live) !== props.messageId) return;
      if (live.type === "engagement") {
        const data = live.data as unknown as EngagementData;
        const fresh = data.events;
        setEvents((all) => [...fresh.filter((e) => !all.some((x) => x.id === e.id)).reverse(), ...all]);
        setStats((current) => latestStats(current, data.stats));
        setMessage((m) => ({ ...m, delivery: deliveryAfter(m.delivery, data) }));
        setFresh(fresh.at(-1)!.id);
        touch();
        // A machine's click can change how earlier clicks read (a burst, the honeypot): read them again.
        if (fresh.some((e) => e.type !== "open" && e.verdict && e.verdict.verdict !== "human")) {
          const again = await api<EventPage>("GET", `/messages/${props.messageId}/events`).catch(() => null);
          if (again) {
            setEvents(again.items);
            setOlder(again.cursor);
          }
        }
      } else if (live.type === "message.updated") {
        const detail = await readMessage<Detail>(props.messageId);
        if (detail) {
          setMessage(detail);
          setLinks(detail.links);
          // Counters a live event brought while the message was read again are newer: they stay.
          setStats((current) => detail.stats ? latestStats(current, detail.stats) : current);
        }
      }
    }), []);

  /** The next page of older events, after those shown; the focus stays on the button, or goes to the list. */
  async function showOlder() {
    if (!older || olderState === "loading") return;
    setOlderState("loading");
    const page = await api<EventPage>(
      "GET",
      `/messages/${props.messageId}/events?cursor=${encodeURIComponent(older)}`,
    ).catch(() => null);
    if (!page) return setOlderState("failed");
    setEvents((all) => [...all, ...page.items.filter((e) => !all.some((x) => x.id === e.id))]);
    setOlder(page.cursor);
    setOlderState("idle");
    focus.restore(() => history.current);
  }

  const countProxy = props.countProxyOpens;
  const seen = seenAt(now, stats);
  const status: StatusLine = statusLine(message, stats, seen, props.zone, { countProxyOpens: countProxy });
  const followed = message.follow === "following";
  const names = props.attachments.map((a) => a.filename);
  // A reply without a display name is shown with the recipient's name when it is theirs.
  const named = (e: PublicEvent): PublicEvent =>
    e.reply && !e.reply.fromName && props.people[e.reply.from.toLowerCase()]
      ? { ...e, reply: { ...e.reply, fromName: props.people[e.reply.from.toLowerCase()] } }
      : e;
  const shown = events.map(named);
  const replies = shown.filter((e) => e.type === "reply" && e.reply);
  // Counted replies older than the events loaded so far: said, with the way to them.
  const repliesBack = older
    ? (stats?.replies ?? 0) - replies.filter((e) => e.reply!.fromRecipient && !e.reply!.autoReply).length
    : 0;
  const failures = failureHistory(message).slice().reverse();
  const delivery = message.delivery;
  const when = (at: number) =>
    formatDateTime(at, props.zone, now) +
    (props.recipient && props.recipient.zone !== props.zone
      ? ` · ${formatTimeBeside(at, props.recipient.zone, props.zone)} for ${props.recipient.name} in ${
        cityOf(props.recipient.zone)
      }`
      : "");

  return (
    <section class="card engagement" aria-labelledby="engagement-title">
      <div class="engagement-head">
        <h2 id="engagement-title" class="card-title">Engagement</h2>
        <span class={`status status-${status.tone}`} data-testid="message-status" aria-live="polite">
          {status.text}
        </span>
      </div>
      {delivery && status.text !== deliveryText(delivery) && (
        <p class="delivery-line small" data-testid="delivery">
          <span class="muted">Delivery</span>{" "}
          <span class={`badge badge-${DELIVERY_TONES[delivery.kind] ?? "grey"}`}>
            {deliveryText(delivery)}
          </span>
          {delivery.at > 0 && <span class="muted">· {formatDateTime(delivery.at, props.zone, now)}</span>}
        </p>
      )}
      {status.detail && <p class="alert alert-error" data-testid="status-detail">{status.detail}</p>}
      {props.note && <p class="alert alert-info">{props.note}</p>}
      {followed && (
        <div class="kpis">
          <Kpi
            label="Opens"
            value={stats ? countedOpens(stats, countProxy) : 0}
            testId="kpi-opens"
            aside={machineOpens(stats, countProxy)}
          />
          <Kpi
            label="Last opened"
            value={stats?.lastOpenedAt ? formatRelative(stats.lastOpenedAt, seen, props.zone) : "—"}
            testId="kpi-last-opened"
          />
          <Kpi
            label="Link clicks"
            value={stats?.clicks ?? 0}
            testId="kpi-clicks"
            aside={stats?.machineClicks
              ? {
                text: `+${stats.machineClicks} by machines`,
                title: `${
                  plural(stats.machineClicks, "click or view")
                } by link scanners, bots or unknown clients — not counted`,
              }
              : null}
          />
          <Kpi label="Attachment views" value={stats?.attachmentViews ?? 0} testId="kpi-attachments" />
          <Kpi label="Replies" value={stats?.replies ?? 0} testId="kpi-replies" />
        </div>
      )}
      {props.attachments.length > 0 && (
        <>
          <h3 class="section-title">Attachments</h3>
          <ul class="list attachment-list" data-testid="attachments">
            {props.attachments.map((file, index) => {
              const views = stats?.attachmentViewsBy?.[String(index)] ?? 0;
              return (
                <li key={file.blobId} class="list-row attachment-row">
                  <span class="attachment-name">
                    <a
                      href={`/api/messages/${props.messageId}/attachments/${file.blobId}`}
                      download={file.filename}
                      class="truncate"
                      title={`Download ${file.filename}`}
                    >
                      {file.filename}
                    </a>
                    <span class="muted small">
                      {formatBytes(file.size)} · {file.tracked ? "Tracked link" : "Attached"}
                    </span>
                  </span>
                  {file.tracked
                    ? (
                      <span class="badge" data-testid={`attachment-views-${index}`}>
                        {plural(views, "view")}
                      </span>
                    )
                    : (
                      <span class="badge badge-grey" title="Attached files can't be followed">
                        Not followed
                      </span>
                    )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {message.sentAt && (
        <>
          <h3 class="section-title">Replies</h3>
          {repliesBack > 0 && (
            <p class="muted small" data-testid="replies-back">
              {repliesBack} {replies.length ? "earlier " : ""}
              {repliesBack === 1 ? "reply is" : "replies are"} further back in the history.{" "}
              <button type="button" class="link-button" onClick={() => void showOlder()}>
                Show older events
              </button>
            </p>
          )}
          {replies.length === 0
            ? repliesBack > 0 ? null : <p class="muted small" data-testid="replies-empty">No replies yet.</p>
            : (
              <ul class="replies" data-testid="replies">
                {replies.map((e) => {
                  const r = e.reply!;
                  const counted = r.fromRecipient && !r.autoReply;
                  return (
                    <li
                      key={e.id}
                      class={`reply-item${counted ? "" : " history-muted"}${
                        fresh === e.id ? " history-fresh" : ""
                      }`}
                    >
                      <div class="reply-head">
                        <strong>{r.fromName || r.from}</strong>
                        <span class="muted small">{when(e.at)}</span>
                      </div>
                      {(r.autoReply || !r.fromRecipient) && (
                        <div class="badges">
                          {r.autoReply && (
                            <span class="badge badge-grey" title={r.autoReply}>Auto-reply — not counted</span>
                          )}
                          {!r.fromRecipient && (
                            <span class="badge badge-amber" title={`${r.from} was not a recipient`}>
                              Not a recipient (forwarded)
                            </span>
                          )}
                        </div>
                      )}
                      <p class="reply-snippet">
                        {r.text ? r.text : <span class="muted">(nothing new — only quoted text)</span>}
                      </p>
                      <a class="small" href={`/inbound/${r.inboundId}`}>Read the whole reply</a>
                    </li>
                  );
                })}
              </ul>
            )}
        </>
      )}
      {followed && links.length > 0 && (
        <>
          <h3 class="section-title">Links</h3>
          <ul class="list link-list">
            {links.map((url, index) => (
              <li key={url} class="list-row">
                <a href={url} target="_blank" rel="noopener noreferrer" class="truncate" title={url}>
                  {shortUrl(url)}
                </a>
                <span class="badge" data-testid={`link-clicks-${index}`}>
                  {plural(stats?.linkClicks[String(index)] ?? 0, "click")}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 class="section-title">History</h3>
      <ol class="history" data-testid="history" ref={history} tabIndex={-1}>
        {shown.map((e) => {
          const look = eventLook(e, countProxy);
          const bounced = e.type === "delivery" &&
            ["bounced", "failed", "complained"].includes(e.delivery?.kind ?? "");
          return (
            <li
              key={e.id}
              class={`history-item${look.muted ? " history-muted" : ""}${
                fresh === e.id ? " history-fresh" : ""
              }`}
              title={look.muted ? look.why ?? undefined : undefined}
              data-verdict={e.verdict?.verdict}
            >
              <span class={`dot dot-${e.type}${bounced ? " dot-bounced" : ""}`} aria-hidden="true" />
              <div>
                <div>
                  {describeEvent(e, names)}
                  {look.note && <>{" "}{look.note}</>}
                  {look.why && look.muted && (
                    <>
                      {" "}
                      <Why text={look.why} />
                    </>
                  )}
                </div>
                <div class="muted small">{when(e.at)}</div>
              </div>
            </li>
          );
        })}
        {older && (
          <li class="history-older">
            <button
              type="button"
              class="button button-secondary button-small"
              aria-disabled={olderState === "loading" || undefined}
              onClick={() => void showOlder()}
              data-testid="history-older"
            >
              {olderState === "loading" ? "Loading older events…" : "Show older events"}
            </button>
            {olderState === "failed" && (
              <span class="error-text" role="alert">Older events could not be loaded. Try again.</span>
            )}
          </li>
        )}
        {message.sentAt && !older && (
          <li class="history-item">
            <span class="dot dot-sent" aria-hidden="true" />
            <div>
              <div>
                Sent{message.lateByMs
                  ? ` — ${formatDuration(message.lateByMs)} late: Beacon was not running when it was due`
                  : ""}
              </div>
              <div class="muted small">{when(message.sentAt)}</div>
            </div>
          </li>
        )}
        {!older &&
          failures.map((failure) => (
            <li key={`failed-${failure.at}`} class="history-item" data-testid="history-failure">
              <span class="dot dot-failed" aria-hidden="true" />
              <div>
                <div>Not sent — {failure.reason}</div>
                <div class="muted small">{when(failure.at)}</div>
              </div>
            </li>
          ))}
        {!message.sentAt && events.length === 0 && failures.length === 0 && (
          <li class="muted">Nothing yet.</li>
        )}
      </ol>
    </section>
  );
}
