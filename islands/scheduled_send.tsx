/// <reference lib="dom" />
/**
 * The message page's "Scheduled to send …" card, for the sender: change the time (the composer's send-later
 * picker, with each recipient's local time and advice) or cancel, which makes the email a draft again and
 * opens it in the composer. Once sending has started the time is fixed: the controls go, and a 409 from the
 * API says why. Once the email is sent (or has failed) the card goes.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, readMessage } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useNow } from "../lib/browser/now.ts";
import { useReturnFocus } from "../lib/browser/return_focus.ts";
import { showToast } from "../lib/browser/toast.ts";
import { statusLine } from "../lib/messages/status.ts";
import type { Message } from "../lib/messages/types.ts";
import type { BusinessHours } from "../lib/scheduling/business_hours.ts";
import { setFlash } from "./composer/flash.ts";

type Panel = typeof import("./composer/schedule.tsx").default;

interface Props {
  messageId: string;
  status: Message["status"];
  job: Message["job"];
  recipientTime: Message["recipientTime"];
  /** The seller's zone. */
  zone: string;
  /** The team's business hours, for the picker's quick choices. */
  hours: BusinessHours;
  /** The To addresses (the advice is about them). */
  recipientsKey: string;
  /** Open the picker at once (the activity list's "Change time" leads here). */
  change: boolean;
}

export default function ScheduledSend(props: Props) {
  const [message, setMessage] = useState({
    status: props.status,
    job: props.job,
    recipientTime: props.recipientTime,
  });
  const [Picker, setPicker] = useState<Panel | null>(null);
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [now] = useNow();
  // Keyboard focus: the buttons that open the picker or the question go while it is open; the focus comes back
  // to them, or to the notice when sending has started meanwhile.
  const focus = useReturnFocus();
  const changeRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  const refresh = async () => {
    const detail = await readMessage<Message>(props.messageId);
    if (detail) setMessage(detail);
  };

  useEffect(() => {
    if (props.change) void openPicker();
    return onLive((event) => {
      if (event.type === "message.updated" && event.data.messageId === props.messageId) void refresh();
    });
  }, []);

  /** The API refused because sending has started (409): say so, and show what the server has now. */
  const locked = (error: unknown) => {
    if (!(error instanceof ApiError && error.status === 409)) return false;
    setNotice(error.message);
    setOpen(false);
    setConfirm(false);
    setMessage((m) => ({ ...m, status: "sending" }));
    focus.restore(() => noticeRef.current);
    void refresh();
    return true;
  };

  async function openPicker() {
    focus.remember();
    try {
      const mod = await import("./composer/schedule.tsx");
      setPicker(() => mod.default);
      setOpen(true);
      setConfirm(false);
    } catch {
      showToast({
        kind: "error",
        text: "The time picker couldn't load. Check your connection and try again.",
      });
    }
  }

  const move = async (at: number): Promise<string | null> => {
    try {
      const moved = await api<Message>("PATCH", `/messages/${props.messageId}/schedule`, { at });
      setMessage(moved);
      closePicker();
      setNotice(null);
      showToast({ kind: "success", text: "New send time saved." });
      return null;
    } catch (error) {
      if (locked(error)) return null;
      if (error instanceof ApiError && error.fields.at) return error.fields.at;
      return (error as Error).message;
    }
  };

  const closePicker = () => {
    setOpen(false);
    focus.restore(() => changeRef.current);
  };

  const ask = (asking: boolean) => {
    setConfirm(asking);
    focus.restore(() => asking ? keepRef.current : cancelRef.current);
  };

  const cancel = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await api("DELETE", `/messages/${props.messageId}/schedule`);
      setFlash("info", "Scheduled send cancelled: the email is a draft again.");
      location.assign(`/compose/${props.messageId}`);
    } catch (error) {
      setBusy(false);
      if (!locked(error)) showToast({ kind: "error", text: `Not cancelled: ${(error as Error).message}` });
    }
  };

  // Once sent (or failed), the page's header and engagement say so: a card about the send time would be stale
  // (unless it is answering the seller's change or cancel that came too late).
  if ((message.status === "sent" || message.status === "failed") && !notice) return null;
  const scheduled = message.status === "scheduled" && message.job;
  const status = statusLine(
    { ...message, follow: "following", failure: null, sentAt: null },
    null,
    now,
    props.zone,
  );

  return (
    <section
      class="card scheduled-send"
      id="schedule"
      aria-labelledby="scheduled-title"
      data-testid="scheduled-send"
    >
      <div class="engagement-head">
        <h2 id="scheduled-title" class="card-title">{scheduled ? "Scheduled send" : "Send time"}</h2>
      </div>
      <p class="scheduled-when" data-testid="scheduled-status" aria-live="polite">
        {scheduled
          ? status.text
          : message.status === "draft"
          ? "Not scheduled: this email is a draft."
          : "Sending has started: the time can no longer change."}
      </p>
      {notice && <p class="alert alert-info" role="status" tabIndex={-1} ref={noticeRef}>{notice}</p>}
      {scheduled && !open && !confirm && (
        <div class="scheduled-actions">
          <button
            ref={changeRef}
            type="button"
            class="button button-secondary button-small"
            onClick={() => void openPicker()}
          >
            Change time
          </button>
          <button
            type="button"
            ref={cancelRef}
            class="button button-ghost button-small danger-text"
            onClick={() => ask(true)}
          >
            Cancel scheduled send
          </button>
        </div>
      )}
      {scheduled && confirm && (
        <div class="scheduled-confirm" role="group" aria-labelledby="scheduled-confirm-text">
          <p id="scheduled-confirm-text">
            Cancel the scheduled send? The email goes back to your drafts, where you can edit it, send it or
            schedule it again.
          </p>
          <div class="scheduled-actions">
            <button
              type="button"
              class="button button-danger button-small"
              aria-disabled={busy || undefined}
              onClick={cancel}
            >
              {busy ? "Cancelling…" : "Yes, cancel send"}
            </button>
            <button
              ref={keepRef}
              type="button"
              class="button button-ghost button-small"
              aria-disabled={busy || undefined}
              onClick={() =>
                !busy && ask(false)}
            >
              Keep it scheduled
            </button>
          </div>
        </div>
      )}
      {scheduled && open && Picker && (
        <Picker
          messageId={props.messageId}
          zone={props.zone}
          hours={props.hours}
          initialAt={message.job!.dueAt}
          recipientsKey={props.recipientsKey}
          title="Change the send time"
          submitLabel="Save new time"
          busyLabel="Saving…"
          onSubmit={move}
          onClose={closePicker}
        />
      )}
    </section>
  );
}
