/// <reference lib="dom" />
/**
 * The message page's header: the subject, who sent it and when, and — for its sender, while it is failed —
 * "Retry sending" and "Edit and send again" (a rejected address needs changing, not retrying). It follows the
 * message live: they come when a send fails and go when it is sent again, and the sent time comes with the send.
 */
import { useEffect, useState } from "preact/hooks";
import { PageHeader } from "../components/ui.tsx";
import { api, readMessage } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useReturnFocus } from "../lib/browser/return_focus.ts";
import { showToast } from "../lib/browser/toast.ts";
import type { Message } from "../lib/messages/types.ts";
import { formatDateTime } from "../lib/time/format.ts";

type HeaderFields = Pick<Message, "status" | "sentAt" | "updatedAt">;

interface Props {
  messageId: string;
  subject: string;
  senderName: string;
  /** The viewer sent it: only the sender may retry. */
  mine: boolean;
  message: HeaderFields;
  /** The seller's zone. */
  zone: string;
}

export default function MessageHeader(props: Props) {
  const [message, setMessage] = useState(props.message);
  const [retrying, setRetrying] = useState(false);
  const [editing, setEditing] = useState(false);
  const busy = retrying || editing;
  // The buttons say they are busy with aria-disabled (`disabled` would drop the focus to the top of the page),
  // and once a retry is on its way they go: the focus goes to the email's subject.
  const focus = useReturnFocus();
  /** A read that answers after a newer state was shown (the retry's own answer, say) is dropped. */
  const show = (next: HeaderFields) => setMessage((m) => next.updatedAt >= m.updatedAt ? next : m);
  const refresh = async () => {
    const detail = await readMessage<Message>(props.messageId);
    if (detail) show(detail);
  };

  useEffect(() =>
    onLive((event) => {
      if (event.type === "message.updated" && event.data.messageId === props.messageId) void refresh();
    }), []);

  async function retry() {
    if (busy) return;
    setRetrying(true);
    try {
      show(await api<Message>("POST", `/messages/${props.messageId}/retry`));
      focus.restore(() => document.querySelector<HTMLElement>(".page-header h1"));
      // In the failure's place: its toast (errors stay until dismissed) would say it wasn't sent.
      showToast({ kind: "success", text: "Sending again.", tag: `message:${props.messageId}` });
    } catch (error) {
      showToast({ kind: "error", text: `Not sent again: ${(error as Error).message}` });
      void refresh(); // a 409: it was retried elsewhere; show what it is now
    } finally {
      setRetrying(false);
    }
  }

  async function edit() {
    if (busy) return;
    setEditing(true);
    try {
      await api<Message>("POST", `/messages/${props.messageId}/edit`);
      location.assign(`/compose/${props.messageId}`);
    } catch (error) {
      setEditing(false);
      showToast({ kind: "error", text: (error as Error).message });
      void refresh();
    }
  }

  return (
    <PageHeader
      title={props.subject || "(no subject)"}
      back={{ href: "/", label: "Activity" }}
      subtitle={
        <>
          From {props.senderName}
          {message.sentAt && <>{" "}· sent {formatDateTime(message.sentAt, props.zone)}</>}
        </>
      }
      actions={props.mine && message.status === "failed" && (
        <>
          <button
            type="button"
            class="button button-secondary"
            aria-disabled={busy || undefined}
            onClick={edit}
            data-testid="edit-send"
          >
            Edit and send again
          </button>
          <button
            type="button"
            class="button button-primary"
            aria-disabled={busy || undefined}
            onClick={retry}
            data-testid="retry-send"
          >
            {retrying ? "Sending…" : "Retry sending"}
          </button>
        </>
      )}
    />
  );
}
