import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";
import { useReturnFocus } from "../lib/browser/return_focus.ts";
import { type Alarm, type AlarmCondition, CONDITION_LABELS } from "../lib/alarms/types.ts";
import type { BusinessHours } from "../lib/scheduling/business_hours.ts";
import { isolated } from "../lib/text/bidi.ts";
import { formatDateTime, formatTimeBeside } from "../lib/time/format.ts";
import { cityOf } from "../lib/time/zones.ts";
import { AlarmsHead } from "./composer/alarms_head.tsx";
import { loadTimeTools, type TimeTools } from "./composer/time_tools.ts";

export interface AlarmRecipient {
  email: string;
  name: string;
  zone: string | null;
}

interface Props {
  messageId: string;
  alarms: Alarm[];
  zone: string;
  hours: BusinessHours;
  recipients: AlarmRecipient[];
  /** Opens and replies can be watched only on followed emails. */
  followed: boolean;
  /** Only the sender edits alarms. */
  editable: boolean;
  /** Inside the composer rather than a card of its own. */
  embedded?: boolean;
  /** Opens the form for a new alarm straight away (the composer's "Add alarm" was clicked). */
  autoStart?: boolean;
  /** When a scheduled email goes out: a new alarm's time starts from then ("tomorrow" after the send). */
  sendAt?: number | null;
}

const STATUS_TEXT: Record<Alarm["status"], string> = {
  pending: "Set",
  fired: "Went off — card created",
  resolved: "Settled",
  cancelled: "Removed",
};

interface Draft {
  id: string | null;
  condition: AlarmCondition;
  local: string;
  comment: string;
  recipients: string[];
}

/**
 * The follow-up alarms of one email: list, add, edit, remove. Times in the seller's zone, with the
 * recipient's beside. The time picker's helpers (and the Temporal polyfill) load when the form opens.
 */
export default function AlarmEditor(props: Props) {
  const { zone, recipients } = props;
  const [alarms, setAlarms] = useState(props.alarms);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** A field the server refused is marked so, and tied to its message, for screen readers. */
  const invalid = (field: string) =>
    errors[field] ? { "aria-invalid": true, "aria-describedby": `alarm-${field}-error` } : {};
  const [busy, setBusy] = useState(false);
  const [tools, setTools] = useState<TimeTools | null>(null);
  // Keyboard focus: into the form when it opens; back to what opened it (Edit) or to "Add alarm" when it
  // closes or an alarm is removed, since the button that had focus is gone.
  const formRef = useRef<HTMLFormElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const focus = useReturnFocus();
  const formOpen = !!(draft && tools);

  useEffect(() =>
    onLive((event) => {
      if (event.type !== "alarm.updated" || event.data.messageId !== props.messageId) return;
      const alarm = event.data.alarm as Alarm;
      setAlarms((all) =>
        alarm.status === "cancelled"
          ? all.filter((a) => a.id !== alarm.id)
          : [...all.filter((a) => a.id !== alarm.id), alarm].sort((a, b) => a.dueAt - b.dueAt)
      );
    }), []);

  useEffect(() => {
    if (props.autoStart) void start();
  }, []);

  useEffect(() => {
    if (formOpen) formRef.current?.querySelector<HTMLElement>("select, input")?.focus();
  }, [formOpen]);

  const close = () => {
    setDraft(null);
    focus.restore(() => addRef.current);
  };

  const conditions: AlarmCondition[] = props.followed ? ["no_reply", "not_opened", "reminder"] : ["reminder"];
  const chosenAt = draft && tools ? tools.fromLocalInput(draft.local, zone) : null;
  const now = Date.now();

  const start = async (alarm?: Alarm) => {
    setErrors({});
    focus.remember();
    let t: TimeTools;
    try {
      t = tools ?? await loadTimeTools();
    } catch {
      setErrors({ _: "The time picker couldn't load. Check your connection and try again." });
      return;
    }
    setTools(t);
    const { quickChoices, toLocalInput } = t;
    setDraft(
      alarm
        ? {
          id: alarm.id,
          condition: alarm.condition,
          local: toLocalInput(alarm.dueAt, zone),
          comment: alarm.comment,
          recipients: alarm.recipients,
        }
        : {
          id: null,
          condition: conditions[0],
          local: toLocalInput(
            quickChoices(Math.max(now, props.sendAt ?? now), zone, props.hours)[0].at,
            zone,
          ),
          comment: "",
          recipients: [],
        },
    );
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft || busy) return;
    setBusy(true);
    const body = {
      condition: draft.condition,
      at: chosenAt ?? "",
      comment: draft.comment,
      recipients: draft.recipients,
    };
    try {
      const saved = draft.id
        ? await api<Alarm>("PATCH", `/alarms/${draft.id}`, body)
        : await api<Alarm>("POST", `/messages/${props.messageId}/alarms`, body);
      setAlarms((all) => [...all.filter((a) => a.id !== saved.id), saved].sort((a, b) => a.dueAt - b.dueAt));
      close();
    } catch (err) {
      setErrors(err instanceof ApiError ? { _: err.message, ...err.fields } : { _: String(err) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (alarm: Alarm) => {
    try {
      await api("DELETE", `/alarms/${alarm.id}`);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        setErrors({ _: `Not removed: ${(err as Error).message}` });
        return;
      }
    }
    setAlarms((all) => all.filter((a) => a.id !== alarm.id));
    focus.restore(() => addRef.current);
  };

  const nameOf = (email: string) => recipients.find((r) => r.email.toLowerCase() === email)?.name || email;
  const theirTime = (at: number) =>
    recipients.filter((r) => r.zone && r.zone !== zone)
      .map((r) => `${formatTimeBeside(at, r.zone!, zone)} for ${r.name || r.email} in ${cityOf(r.zone!)}`)
      .join(" · ");

  return (
    <section
      class={props.embedded ? "composer-alarms alarms" : "card alarms"}
      aria-labelledby="alarms-title"
      data-testid="alarm-editor"
    >
      {props.embedded
        ? <AlarmsHead onAdd={draft ? undefined : () => void start()} buttonRef={addRef} />
        : (
          <div class="engagement-head">
            <h2 id="alarms-title" class="card-title">Follow-up alarms</h2>
            {props.editable && !draft && (
              <button
                ref={addRef}
                type="button"
                class="button button-secondary button-small"
                onClick={() => void start()}
              >
                Add alarm
              </button>
            )}
          </div>
        )}
      {alarms.length === 0 && !draft && !props.embedded && (
        <p class="muted">
          {props.editable
            ? "Get a card in your assistant if there's no reply or open by a time — or just a reminder."
            : "No alarms."}
        </p>
      )}
      <ul class="list" data-testid="alarms">
        {alarms.map((alarm) => (
          <li key={alarm.id} class="list-row alarm-row">
            <div>
              <div>
                <strong>{CONDITION_LABELS[alarm.condition]}</strong> {formatDateTime(alarm.dueAt, zone, now)}
                {alarm.recipients.length > 0 && (
                  <span class="muted">· {alarm.recipients.map(nameOf).join(", ")}</span>
                )}
              </div>
              {theirTime(alarm.dueAt) && <div class="muted small">{theirTime(alarm.dueAt)}</div>}
              {alarm.comment && <div class="small">“{isolated(alarm.comment)}”</div>}
              <div class="small">
                <span
                  class={`status status-${
                    alarm.status === "pending" ? "blue" : alarm.status === "fired" ? "amber" : "green"
                  }`}
                >
                  {alarm.status === "resolved" && alarm.outcome
                    ? `Settled: ${alarm.outcome}`
                    : STATUS_TEXT[alarm.status]}
                </span>
              </div>
            </div>
            {props.editable && alarm.status === "pending" && (
              <div class="row-actions">
                <button
                  type="button"
                  class="button button-ghost button-small"
                  onClick={() => void start(alarm)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  class="button button-ghost button-small danger-text"
                  onClick={() => remove(alarm)}
                >
                  Remove
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {!draft && errors._ && <p class="error-text" role="alert">{errors._}</p>}
      {draft && tools && (
        <form
          ref={formRef}
          class="stack alarm-form"
          onSubmit={save}
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            e.stopPropagation();
            close();
          }}
        >
          {errors._ && <div class="alert alert-error" role="alert">{errors._}</div>}
          <div class="field">
            <label for="alarm-condition">Alarm</label>
            <select
              id="alarm-condition"
              {...invalid("condition")}
              value={draft.condition}
              onChange={(e) => setDraft({ ...draft, condition: e.currentTarget.value as AlarmCondition })}
            >
              {conditions.map((c) => (
                <option value={c} selected={c === draft.condition}>{CONDITION_LABELS[c]}…</option>
              ))}
            </select>
            {!props.followed && (
              <p class="hint">This email isn't followed, so only reminders are possible.</p>
            )}
            {errors.condition && <p class="error-text" id="alarm-condition-error">{errors.condition}</p>}
          </div>
          <div class={`field${errors.at ? " has-error" : ""}`}>
            <label for="alarm-at">
              Time <span class="optional">your time ({zone})</span>
            </label>
            <input
              id="alarm-at"
              type="datetime-local"
              {...invalid("at")}
              value={draft.local}
              onInput={(e) => setDraft({ ...draft, local: e.currentTarget.value })}
              required
            />
            <div class="quick-choices">
              {tools.quickChoices(now, zone, props.hours).map((q) => (
                <button
                  type="button"
                  class="chip-button"
                  onClick={() => setDraft({ ...draft, local: tools.toLocalInput(q.at, zone) })}
                >
                  {q.label}
                </button>
              ))}
            </div>
            {chosenAt && theirTime(chosenAt) && (
              <p class="hint" data-testid="alarm-their-time">{theirTime(chosenAt)}</p>
            )}
            {errors.at && <p class="error-text" id="alarm-at-error">{errors.at}</p>}
          </div>
          {draft.condition !== "reminder" && recipients.length > 1 && (
            <fieldset class="field">
              <legend>About</legend>
              {recipients.map((r) => (
                <label class="check-row">
                  <input
                    type="checkbox"
                    checked={draft.recipients.includes(r.email)}
                    onChange={(e) =>
                      setDraft({
                        ...draft,
                        recipients: e.currentTarget.checked
                          ? [...draft.recipients, r.email]
                          : draft.recipients.filter((x) => x !== r.email),
                      })}
                  />
                  <span>{r.name || r.email}</span>
                </label>
              ))}
              <p class="hint">None ticked means everyone in To.</p>
              {errors.recipients && <p class="error-text">{errors.recipients}</p>}
            </fieldset>
          )}
          <div class="field">
            <label for="alarm-comment">
              Note <span class="optional">optional</span>
            </label>
            <input
              id="alarm-comment"
              {...invalid("comment")}
              value={draft.comment}
              maxLength={500}
              placeholder="e.g. Call Ken if there's no answer"
              onInput={(e) => setDraft({ ...draft, comment: e.currentTarget.value })}
            />
            {errors.comment && <p class="error-text" id="alarm-comment-error">{errors.comment}</p>}
          </div>
          <div class="form-actions">
            <button
              class="button button-primary button-small"
              type="submit"
              aria-disabled={busy || undefined}
            >
              {draft.id ? "Save alarm" : "Add alarm"}
            </button>
            <button class="button button-ghost button-small" type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
