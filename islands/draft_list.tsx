import { useEffect, useRef, useState } from "preact/hooks";
import { readMessage } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useNow } from "../lib/browser/now.ts";
import { draftLine, type DraftRow, withDraft } from "../lib/messages/draft_rows.ts";
import { messageIdOf } from "../lib/messages/rows.ts";
import type { Message } from "../lib/messages/types.ts";

interface Props {
  drafts: DraftRow[];
  /** Every draft is listed ("Show all"), not only the newest few. */
  all: boolean;
  zone: string;
  /** The viewer's user id: only their drafts are listed. */
  me: string;
}

/** How many drafts are listed before "Show all". */
const SHOWN = 5;

/**
 * The viewer's drafts, newest saved first: new emails saved as they were typed, cancelled scheduled sends and
 * failed emails being fixed. Nowhere else lists them. Live: a scheduled send cancelled (here or elsewhere)
 * joins, a draft sent or scheduled from another tab leaves.
 */
export default function DraftList({ drafts: initial, all, zone, me }: Props) {
  const [drafts, setDrafts] = useState(initial);
  const listed = useRef(drafts);
  listed.current = drafts;
  const [now, touch] = useNow();

  useEffect(() =>
    onLive(async (event) => {
      const id = messageIdOf(event);
      if (event.type !== "message.updated" || !id) return;
      // A message that becomes a draft may be the viewer's; one that stops being one matters only if listed.
      if (
        (event.data as { status?: string }).status !== "draft" && !listed.current.some((d) => d.id === id)
      ) return;
      const message = await readMessage<Message>(id);
      setDrafts((rows) => withDraft(rows, id, message, me));
      touch();
    }), []);

  if (!drafts.length) return null;
  const shown = all ? drafts : drafts.slice(0, SHOWN);
  return (
    <section class="card drafts" aria-labelledby="drafts-title" data-testid="drafts">
      <h2 id="drafts-title" class="card-title">Your drafts ({drafts.length})</h2>
      <ul class="list">
        {shown.map((draft) => (
          <li key={draft.id} class="list-row">
            <div>
              <a href={`/compose/${draft.id}`}>{draft.subject || "(no subject)"}</a>
              <div class="muted small">{draftLine(draft, zone, now)}</div>
            </div>
          </li>
        ))}
      </ul>
      {shown.length < drafts.length && (
        <a class="button button-ghost button-small" href="/?drafts=all">Show all {drafts.length} drafts</a>
      )}
    </section>
  );
}
