import { useEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../components/icons.tsx";
import { api, readMessage } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useNow } from "../lib/browser/now.ts";
import { inPlaceOf, useReturnFocus } from "../lib/browser/return_focus.ts";
import { showToast } from "../lib/browser/toast.ts";
import {
  type EngagementData,
  keepingNewerStats,
  messageIdOf,
  type MessageRow,
  toRow,
  withEngagement,
  withLiveRow,
} from "../lib/messages/rows.ts";
import { otherCounts, seenAt, statusLine } from "../lib/messages/status.ts";
import type { Message } from "../lib/messages/types.ts";
import { type ActivityFilter, inActivity, openedAsFiltered } from "../lib/messages/activity_filter.ts";
import { isolated } from "../lib/text/bidi.ts";
import { formatDateTime, formatRelative } from "../lib/time/format.ts";
import { countedOpens, type MessageStats } from "../lib/tracking/types.ts";

interface Props {
  rows: MessageRow[];
  zone: string;
  /** Team members by id, for the sender column of rows that arrive live. */
  members: Record<string, string>;
  /**
   * The list's filter, on its first page: live updates then add, move and drop rows as a reload would show
   * them. Null on a later page, where rows only change in place (a newer email belongs on the first).
   */
  filter: ActivityFilter | null;
  /** The list has no later page: a message older than its last row that comes to belong joins it too. */
  complete: boolean;
  /** What an empty list says, and the one thing to do about it (write an email, or clear the filters). */
  empty: { title: string; text: string; action: { href: string; label: string } };
  /** The viewer's user id: their scheduled emails get "Change time" and "Cancel". */
  me?: string;
  /** The team counts opens by Apple's privacy proxy as opens. */
  countProxyOpens?: boolean;
}

/** Opens by machines, greyed beside the people's count; null when there are none to show. */
export function MachineOpens(
  { stats, countProxyOpens }: { stats: MessageStats | null; countProxyOpens: boolean },
) {
  const proxy = countProxyOpens ? 0 : stats?.privacyProxyOpens ?? 0;
  const machines = proxy + (stats?.machineOpens ?? 0);
  if (!machines) return null;
  const title = [
    proxy && `${proxy} by mail privacy proxies (Apple Mail fetches images at delivery)`,
    stats?.machineOpens && `${stats.machineOpens} by other machines or unknown clients`,
  ].filter(Boolean).join(" and ") + " — not counted as opens";
  return (
    <span class="machine-count" title={title} data-testid="machine-opens">
      +{machines}
      <span class="sr-only">by machines: {title}</span>
    </span>
  );
}

type Detail = Message & { stats: MessageStats | null };

/**
 * "Change time" (on the message page) and "Cancel" (after a confirmation) for a scheduled email. The keyboard
 * focus goes from "Cancel" to "Keep" (the answer that changes nothing), and back.
 */
function ScheduledActions({ id, onCancelled }: { id: string; onCancelled(): void }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const focus = useReturnFocus();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const ask = (asking: boolean) => {
    setConfirm(asking);
    focus.restore(() => asking ? keepRef.current : cancelRef.current);
  };
  const cancel = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await api("DELETE", `/messages/${id}/schedule`);
      onCancelled();
      showToast({
        kind: "success",
        text: "Scheduled send cancelled: the email is a draft again.",
        href: `/compose/${id}`,
        linkText: "Open the draft",
      });
    } catch (error) {
      setBusy(false);
      ask(false);
      showToast({ kind: "error", text: `Not cancelled: ${(error as Error).message}` });
    }
  };
  return (
    <div class="row-schedule" role="group" aria-label="Scheduled send">
      {confirm
        ? (
          <>
            <span>Cancel this send?</span>
            {/* Keyed: a button pressed is replaced, not reused with another label, so its focus moves. */}
            <button
              key="yes"
              type="button"
              class="link-button danger-text"
              aria-disabled={busy || undefined}
              onClick={cancel}
            >
              {busy ? "Cancelling…" : "Yes, cancel"}
            </button>
            <button
              key="keep"
              ref={keepRef}
              type="button"
              class="link-button"
              aria-disabled={busy || undefined}
              onClick={() => !busy && ask(false)}
            >
              Keep
            </button>
          </>
        )
        : (
          <>
            <a href={`/messages/${id}?change=time`}>Change time</a>
            <button
              key="cancel"
              ref={cancelRef}
              type="button"
              class="link-button danger-text"
              onClick={() => ask(true)}
            >
              Cancel
            </button>
          </>
        )}
    </div>
  );
}

/** The activity table; counters and statuses change live as recipients act. */
export default function ActivityList(
  { rows: initial, zone, members, filter, complete, empty, me, countProxyOpens = false }: Props,
) {
  const [rows, setRows] = useState(initial);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const [now, touch] = useNow();
  // A cancelled scheduled send leaves the list, and its "Yes, cancel" with it: the focus goes to the email now
  // in its place (or the one before it), or to the empty list's action.
  const focus = useReturnFocus();
  const list = useRef<HTMLDivElement>(null);
  const cancelled = (id: string, index: number) => {
    setRows((all) => all.filter((r) => r.id !== id));
    focus.restore(() =>
      inPlaceOf(list.current?.querySelectorAll("tbody tr") ?? [], index) ?? list.current?.querySelector("a")
    );
  };

  /** The message as it is now, in its place in the list, or out of it. */
  async function place(id: string, { unlessShown = false } = {}) {
    if (unlessShown && rowsRef.current.some((r) => r.id === id)) return;
    const detail = await readMessage<Detail>(id);
    if (!detail) return;
    const read = toRow(detail, detail.stats, members[detail.senderId] ?? "");
    setRows((all) => {
      const row = keepingNewerStats(read, all.find((r) => r.id === id));
      if (!filter) {
        // A cancelled scheduled send is a draft again: drafts are not activity.
        if (detail.status === "draft") return all.filter((r) => r.id !== id);
        return all.map((r) => r.id === id ? row : r);
      }
      return inActivity(filter, detail, detail.stats)
        ? withLiveRow(all, row, { complete })
        : all.filter((r) => r.id !== id);
    });
  }

  useEffect(() =>
    onLive(async (event) => {
      const id = messageIdOf(event);
      if (!id) return;
      if (event.type === "engagement") {
        const data = event.data as unknown as EngagementData;
        setRows((all) =>
          all.flatMap((r) => {
            if (r.id !== id) return [r];
            const row = withEngagement(r, data);
            // Opened under "Not opened" (or the like): it leaves the list, as a reload would show it.
            return filter && !openedAsFiltered(filter, row.stats, row.status) ? [] : [row];
          })
        );
        touch();
        // Opened for the first time under "Opened": it joins the list.
        // (Engagement is only ever an email's that went out.)
        if (filter?.opened && openedAsFiltered(filter, data.stats, "sent")) {
          await place(id, { unlessShown: true });
        }
      } else if (event.type === "message.updated") {
        await place(id);
      }
    }), []);

  if (rows.length === 0) {
    return (
      <div class="empty card" ref={list}>
        <div class="empty-icon">
          <Icon name="mail" size={28} />
        </div>
        <h2>{empty.title}</h2>
        <p>{empty.text}</p>
        <div class="empty-action">
          <a class="button button-primary" href={empty.action.href}>{empty.action.label}</a>
        </div>
      </div>
    );
  }
  return (
    <div class="table-wrap" ref={list}>
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
          {rows.map((row, index) => {
            const s = row.stats;
            const seen = seenAt(now, s);
            const status = statusLine(row, s, seen, zone, { countProxyOpens });
            const counts = otherCounts(row, s, { countProxyOpens });
            return (
              <tr key={row.id} data-message={row.id}>
                <td class="subject-cell">
                  <a class="row-link" href={`/messages/${row.id}`} title={row.subject}>{row.subject}</a>
                  <div class="muted small">
                    To {row.toLabel}
                    {row.senderName && <>{" "}· from {isolated(row.senderName)}</>}
                    {row.sentAt && <>{" "}· {formatDateTime(row.sentAt, zone, now)}</>}
                  </div>
                </td>
                <td>
                  <span class={`status status-${status.tone}`} data-testid="status" title={status.detail}>
                    {status.text}
                  </span>
                  {counts && (
                    <div class="muted small show-sm row-counts" data-testid="counts-sm">{counts}</div>
                  )}
                  {row.status === "scheduled" && row.senderId === me && (
                    <ScheduledActions
                      id={row.id}
                      onCancelled={() => cancelled(row.id, index)}
                    />
                  )}
                </td>
                <td class="num hide-sm" data-kpi="opens">
                  {row.follow === "following"
                    ? (
                      <>
                        {s ? countedOpens(s, countProxyOpens) : 0}
                        <MachineOpens stats={s} countProxyOpens={countProxyOpens} />
                      </>
                    )
                    : "—"}
                </td>
                <td class="hide-sm">{s?.lastOpenedAt ? formatRelative(s.lastOpenedAt, seen, zone) : "—"}</td>
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
