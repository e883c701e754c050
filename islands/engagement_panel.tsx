import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { type EngagementData, latestStats, messageIdOf } from "../lib/messages/rows.ts";
import { type StatusLine, statusLine } from "../lib/messages/status.ts";
import type { Message } from "../lib/messages/types.ts";
import { formatDateTime, formatDuration, formatRelative, formatTime } from "../lib/time/format.ts";
import { cityOf } from "../lib/time/zones.ts";
import { describeEvent, shortUrl } from "../lib/tracking/describe.ts";
import type { MessageStats, PublicEvent } from "../lib/tracking/types.ts";

type StatusFields = Pick<
  Message,
  "status" | "follow" | "failure" | "job" | "sentAt" | "recipientTime" | "lateByMs"
>;

interface Props {
  messageId: string;
  message: StatusFields;
  stats: MessageStats | null;
  events: PublicEvent[];
  links: string[];
  zone: string;
  /** The recipient's zone and name when the message went to one contact with a known zone. */
  recipient: { name: string; zone: string } | null;
  /** Why engagement is partial or absent, in words ("not followed", "shared by 3 recipients"). */
  note: string | null;
}

type Detail = Message & { stats: MessageStats | null };

function Kpi({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div class="kpi" data-testid={testId}>
      <div class={typeof value === "number" ? "kpi-value" : "kpi-value kpi-value-text"}>{value}</div>
      <div class="kpi-label">{label}</div>
    </div>
  );
}

/** KPIs, clicks per link and the interaction history of one message, updated live. */
export default function EngagementPanel(props: Props) {
  const [stats, setStats] = useState(props.stats);
  const [events, setEvents] = useState(props.events);
  const [message, setMessage] = useState(props.message);
  const [now, setNow] = useState(Date.now());
  const [fresh, setFresh] = useState<string | null>(null);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    const off = onLive(async (live) => {
      if (messageIdOf(live) !== props.messageId) return;
      if (live.type === "engagement") {
        const data = live.data as unknown as EngagementData;
        setEvents((all) => all.some((e) => e.id === data.event.id) ? all : [data.event, ...all]);
        setStats((current) => latestStats(current, data.stats));
        setFresh(data.event.id);
        setNow(Date.now());
      } else if (live.type === "message.updated") {
        const detail = await api<Detail>("GET", `/messages/${props.messageId}`).catch(() => null);
        if (detail) {
          setMessage(detail);
          setStats(detail.stats);
        }
      }
    });
    return () => {
      off();
      clearInterval(tick);
    };
  }, []);

  const status: StatusLine = statusLine(message, stats, now, props.zone);
  const followed = message.follow === "following";
  const when = (at: number) =>
    formatDateTime(at, props.zone, now) +
    (props.recipient && props.recipient.zone !== props.zone
      ? ` · ${formatTime(at, props.recipient.zone)} for ${props.recipient.name} in ${
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
      {props.note && <p class="alert alert-info">{props.note}</p>}
      {followed && (
        <div class="kpis">
          <Kpi label="Opens" value={stats?.opens ?? 0} testId="kpi-opens" />
          <Kpi
            label="Last opened"
            value={stats?.lastOpenedAt ? formatRelative(stats.lastOpenedAt, now, props.zone) : "—"}
            testId="kpi-last-opened"
          />
          <Kpi label="Link clicks" value={stats?.clicks ?? 0} testId="kpi-clicks" />
          <Kpi label="Attachment views" value={stats?.attachmentViews ?? 0} testId="kpi-attachments" />
          <Kpi label="Replies" value={stats?.replies ?? 0} testId="kpi-replies" />
        </div>
      )}
      {followed && props.links.length > 0 && (
        <>
          <h3 class="section-title">Links</h3>
          <ul class="list link-list">
            {props.links.map((url, index) => (
              <li key={url} class="list-row">
                <a href={url} target="_blank" rel="noopener noreferrer" class="truncate" title={url}>
                  {shortUrl(url)}
                </a>
                <span class="badge" data-testid={`link-clicks-${index}`}>
                  {stats?.linkClicks[String(index)] ?? 0}{" "}
                  click{(stats?.linkClicks[String(index)] ?? 0) === 1 ? "" : "s"}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 class="section-title">History</h3>
      <ol class="history" data-testid="history">
        {events.map((e) => (
          <li
            key={e.id}
            class={`history-item${e.prefetch ? " history-muted" : ""}${
              fresh === e.id ? " history-fresh" : ""
            }`}
          >
            <span class={`dot dot-${e.type}`} aria-hidden="true" />
            <div>
              <div>{describeEvent(e)}</div>
              <div class="muted small">{when(e.at)}</div>
            </div>
          </li>
        ))}
        {message.sentAt && (
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
        {!message.sentAt && events.length === 0 && <li class="muted">Nothing yet.</li>}
      </ol>
    </section>
  );
}
