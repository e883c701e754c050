import { useEffect, useRef, useState } from "preact/hooks";
import { readMessage } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useNow } from "../lib/browser/now.ts";
import {
  type EngagementData,
  keepingNewerStats,
  messageIdOf,
  type MessageRow,
  toRow,
  withEngagement,
} from "../lib/messages/rows.ts";
import { seenAt, statusLine } from "../lib/messages/status.ts";
import { onTimeline, type TimelineOf, withTimelineRow } from "../lib/messages/timeline_rows.ts";
import type { Message } from "../lib/messages/types.ts";
import { formatDateTime } from "../lib/time/format.ts";
import { isolated } from "../lib/text/bidi.ts";
import { describeEvent } from "../lib/tracking/describe.ts";
import type { MessageStats, PublicEvent } from "../lib/tracking/types.ts";
import { eventLook, Why } from "./engagement_panel.tsx";

export interface TimelineItem {
  row: MessageRow;
  /** The latest events, newest first. */
  events: PublicEvent[];
  /** File names by attachment index, so views name the file. */
  attachmentNames?: string[];
}

interface Props {
  items: TimelineItem[];
  zone: string;
  emptyText: string;
  /** The team counts opens by Apple's privacy proxy as opens. */
  countProxyOpens?: boolean;
  /** Whose timeline it is, so an email sent meanwhile joins it. */
  of: TimelineOf;
  /** Team members by id, for the sender of an email that joins live. */
  members: Record<string, string>;
  /** The newest page: emails join and move here; an older page changes in place. */
  newest: boolean;
}

const SHOWN_EVENTS = 5;
type Detail = Message & { stats: MessageStats | null };

/** Every message to a contact or company, newest first, with its latest events — updated live. */
export default function MessageTimeline(
  { items: initial, zone, emptyText, countProxyOpens = false, of, members, newest }: Props,
) {
  const [items, setItems] = useState(initial);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const [now, touch] = useNow();

  useEffect(() =>
    onLive(async (live) => {
      const id = messageIdOf(live);
      if (!id) return;
      if (live.type === "engagement") {
        const data = live.data as unknown as EngagementData;
        setItems((all) =>
          all.map((item) => {
            if (item.row.id !== id) return item;
            const fresh = data.events.filter((e) => !item.events.some((x) => x.id === e.id)).reverse();
            return {
              ...item,
              row: withEngagement(item.row, data),
              events: [...fresh, ...item.events].slice(0, SHOWN_EVENTS),
            };
          })
        );
        touch();
      } else if (live.type === "message.updated") {
        // A message not shown joins only the newest page (sent meanwhile, or a scheduled one that went out).
        if (!newest && !itemsRef.current.some((i) => i.row.id === id)) return;
        const detail = await readMessage<Detail>(id);
        if (!detail) return;
        setItems((all) =>
          withTimelineRow(all, toRow(detail, detail.stats, members[detail.senderId] ?? "a former member"), {
            belongs: onTimeline(of, detail),
            newest,
            item: (row, was) =>
              was
                ? { ...was, row: { ...keepingNewerStats(row, was.row), senderName: was.row.senderName } }
                : {
                  row,
                  events: [],
                  attachmentNames: (detail.attachments ?? []).map((a) => a.filename),
                },
          })
        );
      }
    }), []);

  if (items.length === 0) return <p class="muted timeline-empty">{emptyText}</p>;
  return (
    <ol class="timeline">
      {items.map(({ row, events, attachmentNames }) => {
        const status = statusLine(row, row.stats, seenAt(now, row.stats), zone, { countProxyOpens });
        return (
          <li key={row.id} class="timeline-item" data-message={row.id}>
            <div class="timeline-head">
              <a class="row-link" href={`/messages/${row.id}`}>{row.subject}</a>
              <span class={`status status-${status.tone}`} title={status.detail}>{status.text}</span>
            </div>
            <div class="muted small">
              To {row.toLabel} · from {isolated(row.senderName)}
              {row.sentAt && <>{" "}· sent {formatDateTime(row.sentAt, zone, now)}</>}
            </div>
            {events.length > 0 && (
              <ul class="timeline-events">
                {events.map((e) => {
                  const look = eventLook(e, countProxyOpens);
                  return (
                    <li
                      key={e.id}
                      class={look.muted ? "history-muted" : ""}
                      title={look.muted ? look.why ?? undefined : undefined}
                    >
                      <span class={`dot dot-${e.type}`} aria-hidden="true" />
                      {describeEvent(e, attachmentNames)}
                      {look.note && <>{" "}{look.note}</>}{" "}
                      <span class="muted small">· {formatDateTime(e.at, zone, now)}</span>
                      {look.muted && look.why && (
                        <>
                          {" "}
                          <Why text={look.why} />
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
