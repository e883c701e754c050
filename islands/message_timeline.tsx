import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import {
  type EngagementData,
  messageIdOf,
  type MessageRow,
  toRow,
  withEngagement,
} from "../lib/messages/rows.ts";
import { statusLine } from "../lib/messages/status.ts";
import type { Message } from "../lib/messages/types.ts";
import { formatDateTime } from "../lib/time/format.ts";
import { describeEvent } from "../lib/tracking/describe.ts";
import type { MessageStats, PublicEvent } from "../lib/tracking/types.ts";

export interface TimelineItem {
  row: MessageRow;
  /** The latest events, newest first. */
  events: PublicEvent[];
}

interface Props {
  items: TimelineItem[];
  zone: string;
  emptyText: string;
}

const SHOWN_EVENTS = 5;
type Detail = Message & { stats: MessageStats | null };

/** Every message to a contact or company, newest first, with its latest events — updated live. */
export default function MessageTimeline({ items: initial, zone, emptyText }: Props) {
  const [items, setItems] = useState(initial);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    const off = onLive(async (live) => {
      const id = messageIdOf(live);
      if (!id) return;
      if (live.type === "engagement") {
        const data = live.data as unknown as EngagementData;
        setItems((all) =>
          all.map((item) =>
            item.row.id !== id || item.events.some((e) => e.id === data.event.id) ? item : {
              row: withEngagement(item.row, data),
              events: [data.event, ...item.events].slice(0, SHOWN_EVENTS),
            }
          )
        );
        setNow(Date.now());
      } else if (live.type === "message.updated") {
        if (!initial.some((i) => i.row.id === id)) return;
        const detail = await api<Detail>("GET", `/messages/${id}`).catch(() => null);
        if (!detail) return;
        setItems((all) =>
          all.map((i) => i.row.id === id ? { ...i, row: toRow(detail, detail.stats, i.row.senderName) } : i)
        );
      }
    });
    return () => {
      off();
      clearInterval(tick);
    };
  }, []);

  if (items.length === 0) return <p class="muted timeline-empty">{emptyText}</p>;
  return (
    <ol class="timeline">
      {items.map(({ row, events }) => {
        const status = statusLine(row, row.stats, now, zone);
        return (
          <li key={row.id} class="timeline-item" data-message={row.id}>
            <div class="timeline-head">
              <a class="row-link" href={`/messages/${row.id}`}>{row.subject}</a>
              <span class={`status status-${status.tone}`}>{status.text}</span>
            </div>
            <div class="muted small">
              To {row.toLabel} · from {row.senderName}
              {row.sentAt && <>· sent {formatDateTime(row.sentAt, zone, now)}</>}
            </div>
            {events.length > 0 && (
              <ul class="timeline-events">
                {events.map((e) => (
                  <li key={e.id} class={e.prefetch ? "history-muted" : ""}>
                    <span class={`dot dot-${e.type}`} aria-hidden="true" />
                    {describeEvent(e)} <span class="muted small">· {formatDateTime(e.at, zone, now)}</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
