/// <reference lib="dom" />
/**
 * "Send later": a date and time in the seller's profile zone (not the browser's), one-click choices, each
 * To recipient's local time at that moment with plain advice when it is outside their business hours, and
 * the recommended time with the evidence behind it, which one click puts in the field. The composer uses it
 * to schedule a draft, the message page to move a scheduled send.
 *
 * Loaded only when a picker opens (with the Temporal polyfill, through time_tools.ts), so the compose page's
 * start-up JavaScript stays small.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../lib/browser/api.ts";
import type { Advice, PersonAdvice } from "../../lib/scheduling/advice_service.ts";
import type { BusinessHours } from "../../lib/scheduling/business_hours.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import { loadTimeTools, type TimeTools } from "./time_tools.ts";

export interface ScheduleProps {
  messageId: string;
  /** The seller's IANA zone: the field shows and reads times in it. */
  zone: string;
  /** The team's business hours (quick choices move into them). */
  hours: BusinessHours;
  /** Where the field starts: a recommendation, or the current scheduled time; null for the first quick choice. */
  initialAt: number | null;
  /** Changes whenever the saved recipients change, so the advice is fetched again. */
  recipientsKey: string;
  title: string;
  submitLabel: string;
  busyLabel: string;
  /** Schedules at `at`. Resolves to a message to show when it did not work (the page moves on when it did). */
  onSubmit(at: number): Promise<string | null>;
  /** Closes the picker; the owner gives the focus back to what opened it (`useReturnFocus`). */
  onClose(): void;
}

/** Two times this close are the same suggestion (the advice rounds to a 15-minute grid). */
const SAME_MS = 30 * 60_000;
const ADVICE_DELAY_MS = 300;

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1) + ".";

function Spinner() {
  return <span class="spinner" aria-hidden="true" />;
}

/** What to do about a recipient without a zone: use the company's zone in one click, or set one. */
function ZoneFix({ person, onFixed }: { person: PersonAdvice; onFixed(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!person.contactId) {
    return (
      <p class="schedule-note">
        Not a contact, so their time zone is unknown. Add them as a contact with a time zone to get advice.
      </p>
    );
  }
  const edit = `/contacts/${person.contactId}/edit`;
  const use = async () => {
    setBusy(true);
    try {
      await api("PATCH", `/contacts/${person.contactId}`, { timeZone: person.guessedZone });
      onFixed();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div class="schedule-note">
      {person.guessedZone
        ? (
          <p>
            Advice is unavailable: {person.name} has no time zone. Colleagues at the same company are in{" "}
            <strong>{person.guessedZone}</strong>.
          </p>
        )
        : <p>Advice is unavailable: {person.name} has no time zone.</p>}
      <div class="schedule-note-actions">
        {person.guessedZone && (
          <button type="button" class="button button-secondary button-small" disabled={busy} onClick={use}>
            Set {person.name} to {person.guessedZone}
          </button>
        )}
        <a href={edit} class="small">Set the time zone on the contact</a>
      </div>
      {error && <p class="error-text">{error}</p>}
    </div>
  );
}

function People({ advice, onFixed }: { advice: Advice; onFixed(): void }) {
  return (
    <ul class="schedule-people" data-testid="schedule-people">
      {advice.people.map((p) => (
        <li key={p.email} class="schedule-person">
          <div class="schedule-person-line">
            <span class="schedule-who">{p.name}</span>
            {p.localText
              ? <span class="schedule-local">{p.localText} in {p.city}</span>
              : <span class="muted small">No time zone</span>}
            {p.inside === true && <span class="badge badge-green">Business hours</span>}
            {p.inside === false && <span class="badge badge-amber">Outside business hours</span>}
          </div>
          {p.inside === false && p.advice && <p class="schedule-note">{p.advice}</p>}
          {!p.zone && <ZoneFix person={p} onFixed={onFixed} />}
          {p.zone && !p.localText && p.advice && <p class="schedule-note">{p.advice}</p>}
        </li>
      ))}
    </ul>
  );
}

interface Suggested {
  at: number;
  title: string;
  detail: string;
  extra?: string[];
  tone: "accent" | "amber";
}

/** The time the advice recommends, when moving there is worth a click; null when the chosen time is good. */
function suggestion(advice: Advice, chosenAt: number): Suggested | "good" | null {
  const everyoneInside = advice.people.length > 0 && advice.people.every((p) => p.inside === true);
  const rec = advice.recommendation;
  if (rec) {
    if (everyoneInside && Math.abs(rec.at - chosenAt) < SAME_MS) return "good";
    return {
      at: rec.at,
      title: rec.label,
      detail: sentence(rec.explanation),
      tone: "accent",
    };
  }
  if (advice.common) {
    if (everyoneInside) return "good";
    return {
      at: advice.common.at,
      title: "The earliest time inside everyone's business hours",
      detail: advice.common.label + ".",
      tone: "accent",
    };
  }
  if (advice.compromise) {
    const c = advice.compromise;
    return {
      at: c.at,
      title: "No time in the next 7 days is inside everyone's business hours",
      detail: `Best compromise: inside business hours for ${c.inside.join(", ") || "no one"}${
        c.outside.length ? `, outside for ${c.outside.join(", ")}` : ""
      }.`,
      extra: c.times,
      tone: "amber",
    };
  }
  return null;
}

export default function SchedulePanel(props: ScheduleProps) {
  const { zone } = props;
  const [tools, setTools] = useState<TimeTools | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [local, setLocal] = useState("");
  const [advice, setAdvice] = useState<Advice | null>(null);
  const [checking, setChecking] = useState(false);
  const [adviceError, setAdviceError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const now = Date.now();

  useEffect(() => {
    // The picker takes the focus; what opened it (Send later, Change time) gets it back when it closes.
    loadTimeTools().then((t) => {
      setTools(t);
      const start = props.initialAt ?? t.quickChoices(Date.now(), zone, props.hours)[0].at;
      setLocal(t.toLocalInput(start, zone));
      requestAnimationFrame(() => inputRef.current?.focus());
    }).catch(() => setLoadError(true));
  }, []);

  const chosenAt = tools ? tools.fromLocalInput(local, zone) : null;
  const past = chosenAt !== null && chosenAt <= now;

  useEffect(() => {
    if (chosenAt === null || past) return;
    let live = true;
    setChecking(true);
    const timer = setTimeout(() => {
      api<Advice>("GET", `/messages/${props.messageId}/advice?at=${chosenAt}`)
        .then((a) => {
          if (!live) return;
          setAdvice(a);
          setAdviceError(null);
        })
        .catch((e) => live && setAdviceError((e as Error).message))
        .finally(() => live && setChecking(false));
    }, ADVICE_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [chosenAt, past, props.recipientsKey, props.messageId, refresh]);

  const choose = (at: number) => {
    if (!tools) return;
    setLocal(tools.toLocalInput(at, zone));
    setError(null);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (chosenAt === null) return setError("Choose a date and time.");
    if (past) return setError("That time has passed. Choose a later time, or send now.");
    setBusy(true);
    setError(null);
    const problem = await props.onSubmit(chosenAt).catch((err) => (err as Error).message);
    if (problem) {
      setError(problem);
      setBusy(false);
    }
  };

  const shown = advice && chosenAt !== null && !past ? advice : null;
  const suggested = shown && chosenAt !== null ? suggestion(shown, chosenAt) : null;
  const choices = tools ? tools.quickChoices(now, zone, props.hours) : [];

  return (
    <form
      class="schedule"
      aria-labelledby="schedule-title"
      data-testid="schedule-panel"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          props.onClose();
        } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          // Inside the composer, Ctrl+Enter would send now: here it schedules.
          e.preventDefault();
          e.currentTarget.requestSubmit();
        }
      }}
    >
      <div class="schedule-head">
        <h3 id="schedule-title" class="schedule-title">{props.title}</h3>
        <button
          type="button"
          class="button button-ghost button-small schedule-close"
          aria-label="Close"
          onClick={props.onClose}
        >
          ×
        </button>
      </div>
      {loadError && (
        <p class="error-text" role="alert">
          The time picker couldn't load. Check your connection and try again.
        </p>
      )}
      {!tools && !loadError && (
        <p class="schedule-loading">
          <Spinner /> Loading the time picker…
        </p>
      )}
      {tools && (
        <>
          <div class={`field${error ? " has-error" : ""}`}>
            <label for="schedule-at">
              Date and time <span class="optional">your time · {zone}</span>
            </label>
            <div class="schedule-when">
              <input
                ref={inputRef}
                id="schedule-at"
                type="datetime-local"
                value={local}
                min={tools.toLocalInput(now, zone)}
                required
                aria-invalid={error || past ? true : undefined}
                aria-describedby="schedule-at-error"
                onInput={(e) => {
                  setLocal(e.currentTarget.value);
                  setError(null);
                }}
              />
              <div class="quick-choices" role="group" aria-label="Quick choices">
                {choices.map((q) => (
                  <button
                    key={q.label}
                    type="button"
                    class="chip-button"
                    aria-pressed={chosenAt !== null && Math.abs(q.at - chosenAt) < 60_000}
                    onClick={() => choose(q.at)}
                  >
                    {q.label}
                  </button>
                ))}
              </div>
            </div>
            <div id="schedule-at-error">
              {(error || past) && (
                <p class="error-text" role="alert">
                  {error ?? "That time has passed. Choose a later time, or send now."}
                </p>
              )}
            </div>
          </div>

          <div class="schedule-advice" aria-live="polite" aria-busy={checking}>
            <h4 class="schedule-subtitle">
              Recipients' local time
              {checking && (
                <span class="schedule-checking">
                  <Spinner /> Checking…
                </span>
              )}
            </h4>
            {adviceError && <p class="error-text">Advice is unavailable: {adviceError}</p>}
            {!shown && !adviceError && !past && (
              <p class="muted small">
                <Spinner /> Looking up each recipient's time…
              </p>
            )}
            {shown && (
              <>
                {shown.people.length === 0
                  ? <p class="muted small">Add a recipient to see their local time.</p>
                  : <People advice={shown} onFixed={() => setRefresh((n) => n + 1)} />}
                {suggested === "good" && (
                  <p class="schedule-good" data-testid="schedule-good">
                    <span aria-hidden="true">✓</span> {shown.recommendation
                      ? sentence(shown.recommendation.explanation)
                      : "Inside everyone's business hours."}
                  </p>
                )}
                {suggested && suggested !== "good" && (
                  <div
                    class={`schedule-suggest schedule-suggest-${suggested.tone}`}
                    data-testid="schedule-suggest"
                  >
                    <div class="schedule-suggest-text">
                      <strong>{suggested.title}</strong>
                      <span class="muted small">
                        {` · ${formatDateTime(suggested.at, zone, now)} your time`}
                      </span>
                      <p>{suggested.detail}</p>
                      {suggested.extra && (
                        <ul class="schedule-times">
                          {suggested.extra.map((t) => <li key={t}>{t}</li>)}
                        </ul>
                      )}
                    </div>
                    <button
                      type="button"
                      class="button button-secondary button-small"
                      onClick={() => choose(suggested.at)}
                    >
                      Use this time
                    </button>
                  </div>
                )}
              </>
            )}
          </div>

          <div class="schedule-actions">
            <button
              class="button button-primary"
              type="submit"
              aria-disabled={busy || past || chosenAt === null || undefined}
            >
              {busy && <span class="spinner spinner-light" aria-hidden="true" />}
              {busy ? props.busyLabel : props.submitLabel}
            </button>
            <button
              type="button"
              class="button button-ghost"
              onClick={() => !busy && props.onClose()}
              aria-disabled={busy || undefined}
            >
              Cancel
            </button>
            {chosenAt !== null && !past && (
              <span class="muted small">
                Goes out {formatDateTime(chosenAt, zone, now)} your time
              </span>
            )}
          </div>
        </>
      )}
    </form>
  );
}
