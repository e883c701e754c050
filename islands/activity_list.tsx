import { useEffect, useState } from "preact/hooks";
import { Icon } from "../components/icons.tsx";
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
import { formatDateTime, formatRelative } from "../lib/time/format.ts";
import type { MessageStats } from "../lib/tracking/types.ts";

interface Props {
  rows: MessageRow[];
  zone: string;
  /** Team members by id, for the sender column of rows that arrive live. */
  members: Record<string, string>;
  /** New messages appear at the top only on the first page of an unfiltered-by-engagement list. */
  acceptNew: { scope: "mine" | "team"; userId: string } | null;
  empty: { title: string; text: string };
}

type Detail = Message & { stats: MessageStats | null };

/** The activity table; counters and statuses change live as recipients act. */
export default function ActivityList({ rows: initial, zone, members, acceptNew, empty }: Props) {
  const [rows, setRows] = useState(initial);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    const off = onLive(async (event) => {
      const id = messageIdOf(event);
      if (!id) return;
      if (event.type === "engagement") {
        setRows((all) =>
          all.map((r) => r.id === id ? withEngagement(r, event.data as unknown as EngagementData) : r)
        );
        setNow(Date.now());
      } else if (event.type === "message.updated") {
        const detail = await api<Detail>("GET", `/messages/${id}`).catch(() => null);
        if (!detail) return;
        setRows((all) => {
          const row = toRow(detail, detail.stats, members[detail.senderId] ?? "");
          if (all.some((r) => r.id === id)) return all.map((r) => r.id === id ? row : r);
          const mine = acceptNew && (acceptNew.scope === "team" || detail.senderId === acceptNew.userId);
          return mine && detail.status !== "draft" ? [row, ...all] : all;
        });
      }
    });
    return () => {
      off();
      clearInterval(tick);
    };
  }, []);

  if (rows.length === 0) {
    return (
      <div class="empty card">
        <div class="empty-icon">
          <Icon name="mail" size={28} />
        </div>
        <h2>{empty.title}</h2>
        <p>{empty.text}</p>
        <div class="empty-action">
          <a class="button button-primary" href="/compose">Compose an email</a>
        </div>
      </div>
    );
  }
  return (
    <div class="table-wrap">
      <table class="table activity">
        <thead>
          <tr>
            <th>Email</th>
            <th>Status</th>
            <th class="num hide-sm">Opens</th>
            <th class="hide-sm">Last opened</th>
            <th class="num hide-sm">Link clicks</th>
            <th class="num hide-sm">Attachment views</th>
            <th class="num hide-sm">Replies</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const status = statusLine(row, row.stats, now, zone);
            const s = row.stats;
            return (
              <tr key={row.id} data-message={row.id}>
                <td class="subject-cell">
                  <a class="row-link" href={`/messages/${row.id}`}>{row.subject}</a>
                  <div class="muted small">
                    To {row.toLabel}
                    {row.senderName && <>· from {row.senderName}</>}
                    {row.sentAt && <>· {formatDateTime(row.sentAt, zone, now)}</>}
                  </div>
                </td>
                <td>
                  <span class={`status status-${status.tone}`} data-testid="status">{status.text}</span>
                </td>
                <td class="num hide-sm" data-kpi="opens">
                  {row.follow === "following" ? s?.opens ?? 0 : "—"}
                </td>
                <td class="hide-sm">{s?.lastOpenedAt ? formatRelative(s.lastOpenedAt, now, zone) : "—"}</td>
                <td class="num hide-sm" data-kpi="clicks">
                  {row.follow === "following" ? s?.clicks ?? 0 : "—"}
                </td>
                <td class="num hide-sm">{row.follow === "following" ? s?.attachmentViews ?? 0 : "—"}</td>
                <td class="num hide-sm">{s?.replies ?? 0}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
