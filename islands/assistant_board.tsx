import "temporal-polyfill/global";
import type { Ref } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../components/icons.tsx";
import { api, ApiError } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { inPlaceOf, useReturnFocus } from "../lib/browser/return_focus.ts";
import { useNow } from "../lib/browser/now.ts";
import { showToast } from "../lib/browser/toast.ts";
import type { FieldErrors } from "../lib/http/errors.ts";
import { type Card, CARD_TITLES, isUnread, sortCards } from "../lib/assistant/types.ts";
import { atLocal, fromLocalInput, proposedCallTime, toLocalInput } from "../lib/scheduling/quick.ts";
import { formatDateTime, formatDuration, formatTimeBeside } from "../lib/time/format.ts";
import { cityOf } from "../lib/time/zones.ts";
import { isolated } from "../lib/text/bidi.ts";
import { clip } from "../lib/text/clip.ts";

interface Props {
  cards: Card[];
  zone: string;
}

/** What marks an input as refused and points it at its message (see `FieldError`). */
const fieldError = (id: string, text: string | undefined) =>
  text ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? <p class="error-text" id={`${id}-error`}>{text}</p> : null;
}

const TONES: Record<Card["kind"], string> = {
  email_opened: "green",
  email_replied: "green",
  no_reply: "amber",
  not_opened: "amber",
  reminder: "blue",
  send_failed: "red",
};

function CallForm({ card, zone, onDone }: { card: Card; zone: string; onDone: () => void }) {
  // With whom: the one person the card is about (who replied, whom the alarm watched), else the recipients.
  const [subject, setSubject] = useState(
    `Call ${card.personName ? isolated(card.personName) : card.recipientLabel} about “${
      isolated(clip(card.subject, 60))
    }”`,
  );
  // Tomorrow, at their hour (their zone when known) that is in the seller's day too, when one is.
  const [due, setDue] = useState(
    toLocalInput(proposedCallTime(Date.now(), card.recipientZone ?? zone, zone), zone),
  );
  const dueAt = fromLocalInput(due, zone);
  const theirs = card.recipientZone && card.recipientZone !== zone && dueAt !== null
    ? `${formatTimeBeside(dueAt, card.recipientZone, zone)} for ${
      card.personName ? isolated(card.personName) : "them"
    } in ${cityOf(card.recipientZone)}`
    : null;
  const [notes, setNotes] = useState("");
  const [error, setError] = useState<FieldErrors>({});
  const subjectRef = useRef<HTMLInputElement>(null);
  // The form takes the focus as it appears (the board gives it back to "Plan a call" when the form closes).
  useLayoutEffect(() => subjectRef.current?.focus(), []);
  /** Editing a field takes its error away, and the form's banner with the last one. */
  const edited = (field: string) =>
    setError((all) => {
      if (!all[field]) return all;
      const { [field]: _, ...rest } = all;
      return Object.keys(rest).some((k) => k !== "_") ? rest : {};
    });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api("POST", "/tasks", {
        subject,
        notes,
        dueAt: dueAt ?? "",
        contactId: card.contactId,
        messageId: card.messageId,
        cardId: card.id,
      });
      showToast({ kind: "success", text: "Call added to your tasks.", href: "/tasks", linkText: "My tasks" });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? { _: err.message, ...err.fields } : { _: String(err) });
    }
  };
  return (
    <form
      class="card-form stack"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        onDone();
      }}
    >
      {error._ && <div class="alert alert-error" role="alert">{error._}</div>}
      <div class={`field${error.subject ? " has-error" : ""}`}>
        <label for={`call-subject-${card.id}`}>Call about</label>
        <input
          ref={subjectRef}
          id={`call-subject-${card.id}`}
          value={subject}
          onInput={(e) => {
            setSubject(e.currentTarget.value);
            edited("subject");
          }}
          required
          {...fieldError(`call-subject-${card.id}`, error.subject)}
        />
        <FieldError id={`call-subject-${card.id}`} text={error.subject} />
      </div>
      <div class={`field${error.dueAt ? " has-error" : ""}`}>
        <label for={`call-due-${card.id}`}>
          When <span class="optional">your time ({zone})</span>
        </label>
        <input
          id={`call-due-${card.id}`}
          type="datetime-local"
          value={due}
          onInput={(e) => {
            setDue(e.currentTarget.value);
            edited("dueAt");
          }}
          required
          aria-describedby={theirs ? `call-due-${card.id}-theirs` : undefined}
          {...fieldError(`call-due-${card.id}`, error.dueAt)}
        />
        {theirs && (
          <p class="hint" id={`call-due-${card.id}-theirs`} data-testid="call-their-time">{theirs}</p>
        )}
        <FieldError id={`call-due-${card.id}`} text={error.dueAt} />
      </div>
      <div class="field">
        <label for={`call-notes-${card.id}`}>
          Notes <span class="optional">optional</span>
        </label>
        <textarea
          id={`call-notes-${card.id}`}
          rows={2}
          value={notes}
          onInput={(e) => setNotes(e.currentTarget.value)}
        />
      </div>
      <div class="form-actions">
        <button class="button button-primary button-small" type="submit">Add call</button>
        <button class="button button-ghost button-small" type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}

function SnoozeMenu(
  { card, zone, onSnooze }: {
    card: Card;
    zone: string;
    onSnooze: (until: number) => Promise<FieldErrors | null>;
  },
) {
  const [custom, setCustom] = useState("");
  const [error, setError] = useState<string | undefined>();
  const inputId = `snooze-${card.id}`;
  // The menu stays open when the time is refused, with the reason beside the field (the board closes it).
  const choose = async (until: number) => setError((await onSnooze(until))?.until);
  const now = Date.now();
  const options = [
    { label: "1 hour", at: now + 3600_000 },
    { label: "Tomorrow 09:00", at: atLocal(now, zone, 1, "09:00") },
  ];
  return (
    <details class="menu snooze">
      <summary class="button button-ghost button-small">Snooze</summary>
      <div class="menu-panel">
        {options.map((o) => (
          <button
            type="button"
            class="menu-button"
            onClick={() => void choose(o.at)}
          >
            {o.label} <span class="muted small">· {formatDateTime(o.at, zone, now)}</span>
          </button>
        ))}
        <form
          class={`snooze-custom${error ? " has-error" : ""}`}
          onSubmit={(e) => {
            e.preventDefault();
            const at = fromLocalInput(custom, zone);
            if (at) void choose(at);
          }}
        >
          <label class="sr-only" for={inputId}>Snooze until</label>
          <input
            id={inputId}
            type="datetime-local"
            value={custom}
            onInput={(e) => {
              setCustom(e.currentTarget.value);
              setError(undefined);
            }}
            {...fieldError(inputId, error)}
          />
          <button class="button button-secondary button-small" type="submit" disabled={!custom}>
            Snooze
          </button>
          <FieldError id={inputId} text={error} />
        </form>
      </div>
    </details>
  );
}

/** The assistant: a seller's action cards, live, with their actions. */
export default function AssistantBoard({ cards: initial, zone }: Props) {
  const [cards, setCards] = useState(initial);
  const [calling, setCalling] = useState<string | null>(null);
  const [now] = useNow();
  // Keyboard focus: back to "Plan a call" when its form closes; after a dismissal (the card and its Dismiss
  // button are gone), to the card now in its place (or the one before it), or to "You're all caught up".
  const focus = useReturnFocus();
  const board = useRef<HTMLElement>(null);

  useEffect(() => {
    const off = onLive((event) => {
      const card = event.data.card as Card | undefined;
      if (!card || !event.type.startsWith("card.")) return;
      setCards((all) =>
        sortCards([card, ...all.filter((c) => c.id !== card.id)].filter((c) => c.status !== "dismissed"))
      );
    });
    return off;
  }, []);

  // Cards on screen count as seen after a moment: those the page came with and those that arrive live, once
  // the page is in view (a card that arrives in a background tab stays unread until the seller looks).
  const marked = useRef(new Set<string>());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const markShown = () => {
      clearTimeout(timer);
      if (document.visibilityState !== "visible") return;
      timer = setTimeout(() => {
        for (const c of cards.filter((c) => isUnread(c) && !marked.current.has(c.id))) {
          marked.current.add(c.id);
          api("POST", `/cards/${c.id}/actions`, { action: "read" }).catch(() => marked.current.delete(c.id));
        }
      }, 1500);
    };
    markShown();
    document.addEventListener("visibilitychange", markShown);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", markShown);
    };
  }, [cards]);

  /**
   * Acts on a card: null once done. Fields the API refused go back to the form that sent them; other failures
   * are toasts.
   */
  const act = async (
    card: Card,
    body: Record<string, unknown>,
    done: string,
  ): Promise<FieldErrors | null> => {
    try {
      await api("POST", `/cards/${card.id}/actions`, body);
      showToast({ kind: "success", text: done });
      return null;
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) return err.fields;
      showToast({ kind: "error", text: (err as Error).message });
      return {};
    }
  };

  const closeCall = () => {
    setCalling(null);
    focus.restore();
  };

  /** A dismissed card goes at once (its live event follows). */
  const dismiss = async (card: Card, index: number) => {
    if (await act(card, { action: "dismiss" }, "Card dismissed.")) return;
    setCards((all) => all.filter((c) => c.id !== card.id));
    focus.restore(() =>
      inPlaceOf(board.current?.querySelectorAll(".action-card") ?? [], index) ?? board.current
    );
  };

  /** A snoozed card goes below the active ones at once (its live event follows), with the focus kept in place. */
  const snooze = async (card: Card, index: number, until: number) => {
    const refused = await act(
      card,
      { action: "snooze", until },
      `Snoozed until ${formatDateTime(until, zone, Date.now())}.`,
    );
    if (refused) return refused;
    const sorted = sortCards(
      cards.map((c) => c.id === card.id ? { ...c, status: "snoozed" as const, snoozedUntil: until } : c),
    );
    const menu = board.current?.querySelector<HTMLDetailsElement>(`[data-card="${card.id}"] details.snooze`);
    if (menu) menu.open = false;
    if (sorted[index]?.id === card.id) {
      // It stays where it is (the last active card): the focus goes back to its Snooze button, as Escape leaves it.
      menu?.querySelector("summary")?.focus();
    } else {
      // It goes below the active cards: on to the card now in its place, as after a dismissal.
      (document.activeElement as HTMLElement | null)?.blur();
      focus.restore(() =>
        inPlaceOf(board.current?.querySelectorAll(".action-card") ?? [], index) ?? board.current
      );
    }
    setCards(sorted);
    return null;
  };

  if (cards.length === 0) {
    return (
      <div class="empty card" tabIndex={-1} ref={board as Ref<HTMLDivElement>}>
        <div class="empty-icon">
          <Icon name="assistant" size={28} />
        </div>
        <h2>You're all caught up</h2>
        <p>Cards appear here when a customer opens an email, replies, or an alarm you set goes off.</p>
      </div>
    );
  }
  return (
    <ul class="cards" aria-label="Cards" ref={board as Ref<HTMLUListElement>}>
      {cards.map((card, index) => (
        <li
          key={card.id}
          class={`action-card${card.status === "snoozed" ? " is-snoozed" : ""}${
            isUnread(card) ? " is-unread" : ""
          }`}
          data-card={card.id}
          data-kind={card.kind}
        >
          <div class="action-card-head">
            <span class={`badge badge-${TONES[card.kind]}`}>{CARD_TITLES[card.kind]}</span>
            <span class="muted small">
              {formatDateTime(card.eventAt, zone, now)}
              {card.recipientZone && card.recipientZone !== zone &&
                ` · ${formatTimeBeside(card.eventAt, card.recipientZone, zone)} in ${
                  cityOf(card.recipientZone)
                }`}
            </span>
          </div>
          <h3 class="action-card-title">{card.headline}</h3>
          <p class="action-card-sub">
            <a href={`/messages/${card.messageId}`} title={card.subject}>
              “{isolated(clip(card.subject, 90))}”
            </a>{" "}
            · to {card.recipientLabel}
          </p>
          {card.comment && <blockquote class="card-comment">{card.comment}</blockquote>}
          {card.lateByMs && (
            <p class="muted small">
              This alarm went off {formatDuration(card.lateByMs)} late: Beacon was not running at its time.
            </p>
          )}
          {card.status === "snoozed" && card.snoozedUntil && (
            <p class="muted small">Snoozed until {formatDateTime(card.snoozedUntil, zone, now)}</p>
          )}
          <div class="action-card-actions">
            <a class="button button-secondary button-small" href={`/messages/${card.messageId}`}>
              Open email
            </a>
            {card.contactId && (
              <a class="button button-ghost button-small" href={`/contacts/${card.contactId}`}>Contact</a>
            )}
            {card.companyId && (
              <a class="button button-ghost button-small" href={`/companies/${card.companyId}`}>Company</a>
            )}
            <button
              type="button"
              class="button button-ghost button-small"
              onClick={() => {
                focus.remember();
                setCalling(calling === card.id ? null : card.id);
              }}
              aria-expanded={calling === card.id}
            >
              Plan a call
            </button>
            <SnoozeMenu
              card={card}
              zone={zone}
              onSnooze={(until) => snooze(card, index, until)}
            />
            <button
              type="button"
              class="button button-ghost button-small"
              onClick={() => void dismiss(card, index)}
            >
              Dismiss
            </button>
          </div>
          {calling === card.id && <CallForm card={card} zone={zone} onDone={closeCall} />}
        </li>
      ))}
    </ul>
  );
}
