/**
 * Business hours as form fields, for the team's hours (routes/pages/team.tsx) and a contact's own
 * (routes/pages/contacts.tsx): the days and times, and the closed dates with their "Add date" and "Remove"
 * buttons, which post the form with `action=add` or `action=remove:<date>` (no script needed).
 */
import type { BusinessHours } from "../lib/scheduling/business_hours.ts";
import { closedDateText } from "../lib/scheduling/business_hours.ts";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** Business hours as a form shows them: days ticked, times as typed. */
export interface HoursForm {
  days: number[];
  start: string;
  end: string;
  closedDates: string[];
}

/** A `type=time` field cannot show "24:00": the end of the day is shown (and read back) as 00:00. */
export const hoursForm = (h: BusinessHours): HoursForm => ({
  ...h,
  end: h.end === "24:00" ? "00:00" : h.end,
});

/** The days and times a form posted (`<prefix>day1`…`day7`, `start`, `end`), in the shape the lib expects. */
export function hoursFromFields(fields: Record<string, string>, prefix = ""): Omit<HoursForm, "closedDates"> {
  const end = (fields[`${prefix}end`] ?? "").trim();
  return {
    days: [1, 2, 3, 4, 5, 6, 7].filter((d) => fields[`${prefix}day${d}`]),
    start: (fields[`${prefix}start`] ?? "").trim(),
    end: end === "00:00" ? "24:00" : end,
  };
}

/** Days of the week and the start and end of the working day, with the lib's messages under each. */
export function HoursFields(
  { prefix = "", value, errors, legend }: {
    prefix?: string;
    value: HoursForm;
    errors?: Record<string, string>;
    legend: string;
  },
) {
  const id = (name: string) => `f-${prefix}${name}`;
  return (
    <div class="hours-fields">
      <fieldset class={`field hours-days${errors?.days ? " has-error" : ""}`}>
        <legend>{legend}</legend>
        <div class="day-picks">
          {WEEKDAYS.map((day, i) => (
            <label class="day-pick" title={WEEKDAY_NAMES[i]}>
              <input
                type="checkbox"
                name={`${prefix}day${i + 1}`}
                value="1"
                checked={value.days.includes(i + 1)}
                aria-label={WEEKDAY_NAMES[i]}
              />
              <span aria-hidden="true">{day}</span>
            </label>
          ))}
        </div>
        {errors?.days && <p class="error-text">{errors.days}</p>}
      </fieldset>
      <div class="hours-times">
        <div class={`field${errors?.start ? " has-error" : ""}`}>
          <label for={id("start")}>Starts</label>
          <input
            id={id("start")}
            type="time"
            name={`${prefix}start`}
            value={value.start}
            aria-invalid={errors?.start ? "true" : undefined}
            aria-describedby={errors?.start ? `${id("start")}-error` : undefined}
          />
          {errors?.start && <p class="error-text" id={`${id("start")}-error`}>{errors.start}</p>}
        </div>
        <div class={`field${errors?.end ? " has-error" : ""}`}>
          <label for={id("end")}>Ends</label>
          <input
            id={id("end")}
            type="time"
            name={`${prefix}end`}
            value={value.end}
            aria-invalid={errors?.end ? "true" : undefined}
            aria-describedby={`${id("end")}-hint${errors?.end ? ` ${id("end")}-error` : ""}`}
          />
          <p class="hint" id={`${id("end")}-hint`}>Midnight (00:00) means until the end of the day.</p>
          {errors?.end && <p class="error-text" id={`${id("end")}-error`}>{errors.end}</p>}
        </div>
      </div>
    </div>
  );
}

/** What "Add date" or "Remove" (or saving) made of a form's closed dates (`<prefix>closedDates`, comma-separated). */
export function closedDatesAfter(
  fields: Record<string, string>,
  prefix = "",
): { closedDates: string[]; edit: "add" | "remove" | null; error?: Record<string, string> } {
  const closedDates = (fields[`${prefix}closedDates`] ?? "").split(",").map((d) => d.trim()).filter(Boolean);
  const action = fields.action ?? "save";
  if (action === "add") {
    const added = (fields[`${prefix}addClosedDate`] ?? "").trim();
    if (!added) return { closedDates, edit: "add", error: { addClosedDate: "Choose a date to add." } };
    return { closedDates: [...closedDates, added], edit: "add" };
  }
  if (action.startsWith("remove:")) {
    return { closedDates: closedDates.filter((d) => d !== action.slice("remove:".length)), edit: "remove" };
  }
  return { closedDates, edit: null };
}

/**
 * The form's submit button for Enter in any field: first in the form, so Enter saves rather than pressing the
 * first "Remove".
 */
export function SaveOnEnter() {
  return (
    <button type="submit" name="action" value="save" class="sr-only" tabindex={-1} aria-hidden="true">
      Save
    </button>
  );
}

/** The closed dates as a list with "Remove" on each, and a date field with "Add date"; errors by field name. */
export function ClosedDatesField(
  { prefix = "", dates, errors, hint, autofocus }: {
    prefix?: string;
    dates: string[];
    errors?: Record<string, string>;
    hint: string;
    /** The date field takes the focus (the form is back from adding or removing a date). */
    autofocus?: boolean;
  },
) {
  const dateErrors = Object.entries(errors ?? {}).filter(([k]) => k.startsWith("closedDates"));
  const addId = `f-${prefix}addClosedDate`;
  return (
    <>
      <input type="hidden" name={`${prefix}closedDates`} value={dates.join(",")} />
      <fieldset class="field closed-dates">
        <legend>Closed dates</legend>
        <p class="hint">{hint}</p>
        {dates.length > 0
          ? (
            <ul class="list closed-list" data-testid="closed-dates">
              {dates.map((date) => (
                <li class="list-row" key={date}>
                  <time datetime={date}>{closedDateText(date)}</time>
                  <button
                    type="submit"
                    name="action"
                    value={`remove:${date}`}
                    class="button button-ghost button-small danger-text"
                    aria-label={`Remove ${closedDateText(date)}`}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
          : <p class="muted small">No closed dates.</p>}
        <div class={`closed-add${errors?.addClosedDate ? " has-error" : ""}`}>
          <label class="sr-only" for={addId}>Closed date to add</label>
          <input
            id={addId}
            type="date"
            name={`${prefix}addClosedDate`}
            autofocus={autofocus}
            aria-invalid={errors?.addClosedDate ? "true" : undefined}
          />
          <button type="submit" name="action" value="add" class="button button-secondary button-small">
            Add date
          </button>
        </div>
        {errors?.addClosedDate && <p class="error-text">{errors.addClosedDate}</p>}
        {dateErrors.map(([key, message]) => <p class="error-text" key={key}>{message}</p>)}
      </fieldset>
    </>
  );
}
