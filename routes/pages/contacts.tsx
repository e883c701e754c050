/** Contact pages: list with search, create, edit, delete, and the contact's own page. */
import { Hono } from "hono";
import type { Context } from "hono";
import { Icon } from "../../components/icons.tsx";
import { island } from "../../components/island.ts";
import { FormPage, type FormPageState } from "../../components/form_page.tsx";
import { ListPage } from "../../components/list_page.tsx";
import {
  Badge,
  CheckRow,
  DataTable,
  EmailAddress,
  EmptyState,
  Field,
  Form,
  FormActions,
  NewButton,
  PageHeader,
  Select,
  TextArea,
} from "../../components/ui.tsx";
import MessageTimeline from "../../islands/message_timeline.tsx";
import TimeZoneField from "../../islands/time_zone_field.tsx";
import { getCompany, listCompanies } from "../../lib/contacts/companies.ts";
import {
  companyNameMap,
  createContact,
  deleteContact,
  findContactByEmail,
  getContact,
  listContacts,
  updateContact,
} from "../../lib/contacts/contacts.ts";
import { callName, type Company, type Contact, contactLabel, contactName } from "../../lib/contacts/types.ts";
import type { FieldErrors } from "../../lib/http/errors.ts";
import { timeZoneNames } from "../../lib/time/zones.ts";
import { formatDate, formatDateTime } from "../../lib/time/format.ts";
import { eraseContact, erasurePreview } from "../../lib/privacy/erase.ts";
import {
  findSuppression,
  findSuppressions,
  liftSuppression,
  type Suppression,
} from "../../lib/privacy/suppression.ts";
import { listContactTasks } from "../../lib/assistant/tasks.ts";
import { teamSettings } from "../../lib/accounts/types.ts";
import { type BusinessHours, closedDateText, formatHours } from "../../lib/scheduling/business_hours.ts";
import { zoned } from "../../lib/scheduling/temporal.ts";
import type { Task } from "../../lib/assistant/types.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import {
  closedDatesAfter,
  ClosedDatesField,
  HoursFields,
  hoursForm,
  hoursFromFields,
  SaveOnEnter,
} from "../../components/hours_fields.tsx";
import { olderCursor, timeline, TimelinePager } from "./timeline.tsx";

export const contactPages = new Hono<AppEnv>();

/** The list, or with `?company=` the people at that company (where its page's "All N contacts" leads). */
contactPages.get("/contacts", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const q = c.req.query("q") ?? "";
  const companyId = c.req.query("company");
  const at = companyId ? await getCompany(kv, team.id, companyId) : null;
  const page = await listContacts(kv, team.id, {
    q,
    cursor: c.req.query("cursor"),
    limit: CONTACTS_PAGE,
    companyId: at?.id,
  });
  // Their company is the list's own when it is filtered to one (no column for it then).
  const companies = at ? new Map<string, string>() : await companyNameMap(kv, team.id);
  const optOuts = await findSuppressions(kv, team.id, page.items.map((contact) => contact.email));
  const add = at ? `/contacts/new?company=${at.id}` : "/contacts/new";
  return render(
    c,
    { title: at ? `Contacts at ${at.name}` : "Contacts" },
    <ListPage
      title={at ? `Contacts at ${at.name}` : "Contacts"}
      subtitle={at
        ? (
          <>
            Everyone at {at.name}, by name. <a href="/contacts">Show all contacts</a>
          </>
        )
        : "The people your team emails."}
      back={at ? { href: `/companies/${at.id}`, label: at.name } : undefined}
      actions={<NewButton href={add}>New contact</NewButton>}
      search={{
        q,
        placeholder: at ? `Search the people at ${at.name}` : "Search by name, email, title or company",
        plural: "contacts",
        params: at ? { company: at.id } : {},
      }}
      items={page.items}
      cursor={page.cursor}
      paged={Boolean(c.req.query("cursor"))}
      empty={
        <EmptyState
          icon="contacts"
          title={at ? `No contacts at ${at.name} yet` : "No contacts yet"}
          action={
            <a class="button button-primary" href={add}>{at ? "Add a contact" : "Add your first contact"}</a>
          }
        >
          Contacts hold each customer's time zone and tracking preference, and later their timeline.
        </EmptyState>
      }
    >
      <DataTable
        head={
          <>
            <th>Name</th>
            <th>Email</th>
            {!at && <th class="hide-sm">Company</th>}
            <th class="hide-sm">Time zone</th>
            <th class="hide-sm">Tracking</th>
          </>
        }
      >
        {page.items.map((contact, i) => (
          <tr>
            <td>
              <a class="row-link" href={`/contacts/${contact.id}`}>
                {contactName(contact) || <EmailAddress address={contact.email} />}
              </a>
              {contact.title && <div class="muted small">{contact.title}</div>}
            </td>
            <td class="truncate" title={contact.email}>
              <EmailAddress address={contact.email} />
              {contact.deliveryIssue && (
                <div>
                  <DeliveryIssueBadge contact={contact} zone={viewer(c).user.timeZone} />
                </div>
              )}
            </td>
            {!at && <td class="hide-sm free-text">{companies.get(contact.companyId ?? "") ?? "—"}</td>}
            <td class="hide-sm">{contact.timeZone ?? <span class="muted">Not set</span>}</td>
            <td class="hide-sm">
              <TrackingBadge contact={contact} optOut={optOuts[i]} />
            </td>
          </tr>
        ))}
      </DataTable>
    </ListPage>,
  );
});

/** Contacts a list page shows at a time (the company's page shows as many before "All N contacts"). */
export const CONTACTS_PAGE = 50;

/** "Email bounced — mailbox does not exist, 3 Mar": set from the provider's delivery reports. */
export function deliveryIssueText(
  issue: NonNullable<Contact["deliveryIssue"]>,
  zone: string,
  now = Date.now(),
) {
  const what = issue.kind === "bounced" ? "Email bounced" : "Marked an email as spam";
  const year = ` ${new Date(now).getUTCFullYear()}`;
  const date = formatDate(issue.at, zone);
  return `${what}${issue.reason ? ` — ${issue.reason}` : ""}, ${
    date.endsWith(year) ? date.slice(0, -year.length) : date
  }`;
}

export function DeliveryIssueBadge({ contact, zone }: { contact: Contact; zone: string }) {
  if (!contact.deliveryIssue) return null;
  return (
    <span
      class="badge badge-red badge-wrap"
      data-testid="delivery-issue"
      title={contact.deliveryIssue.kind === "bounced"
        ? "Emails to this address are not arriving. Check the address before sending again."
        : "This recipient marked an email from your team as spam."}
    >
      {deliveryIssueText(contact.deliveryIssue, zone)}
    </span>
  );
}

/** The contact's tracking preference; `optOut` when the recipient asked themselves (the suppression list). */
export function TrackingBadge({ contact, optOut }: { contact: Contact; optOut?: Suppression | null }) {
  if (optOut) {
    return (
      <Badge tone="amber" title="They asked, through the link in an email: emails to them are never tracked">
        Do not track · their request
      </Badge>
    );
  }
  return contact.tracking === "allow"
    ? <Badge tone="green">Allows tracking</Badge>
    : <Badge tone="amber" title="Emails to this contact are not tracked">Do not track</Badge>;
}

/** "Asked not to be tracked on 3 Mar 2026, through the link in an email." */
function optOutText(optOut: Suppression, zone: string) {
  return `Asked not to be tracked on ${formatDate(optOut.at, zone)}, through the link in an email.`;
}

/** The form's "Own business hours" fields → the `businessHours` the contact lib expects (null: the team's). */
function contactInput(values: Record<string, string>): Record<string, unknown> {
  return {
    ...values,
    businessHours: values.hours_own
      ? {
        ...hoursFromFields(values, "hours_"),
        closedDates: closedDatesAfter(values, "hours_").closedDates,
      }
      : null,
  };
}

/**
 * "Add date" or "Remove" in the contact form: the form again with the change, saved with the rest only when the
 * contact is; null when the form was sent to save.
 */
function closedDateEdit(values: Record<string, string>) {
  const { closedDates, edit, error } = closedDatesAfter(values, "hours_");
  if (!edit) return null;
  const shown = {
    ...values,
    hours_own: "1",
    hours_closedDates: closedDates.join(","),
    hours_addClosedDate: "",
  };
  return { values: shown, errors: error, status: error ? 400 as const : undefined, focusClosedDates: true };
}

/** A contact's hours as form fields; without their own, the team's fill the (hidden) fields to start from. */
function hoursValues(own: BusinessHours | null | undefined, team: BusinessHours): Record<string, string> {
  const h = hoursForm(own ?? team);
  const out: Record<string, string> = {
    hours_own: own ? "1" : "",
    hours_start: h.start,
    hours_end: h.end,
    hours_closedDates: own ? own.closedDates.join(",") : "",
  };
  for (const d of h.days) out[`hours_day${d}`] = "1";
  return out;
}

/** The optional "Own business hours" part of the contact form: off means the team's hours. */
function OwnHours(
  { values, errors, teamHours, focusClosedDates }: {
    values: Record<string, string>;
    errors?: FieldErrors;
    teamHours: BusinessHours;
    focusClosedDates?: boolean;
  },
) {
  const own = !!values.hours_own;
  const hoursErrors: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors ?? {})) {
    if (key.startsWith("businessHours.")) hoursErrors[key.slice("businessHours.".length)] ??= message;
    else if (key === "addClosedDate") hoursErrors.addClosedDate = message;
    else if (key === "businessHours") hoursErrors.days ??= message;
  }
  const { days, start, end } = hoursFromFields(values, "hours_");
  return (
    <fieldset class="own-hours">
      <legend>Business hours</legend>
      <CheckRow
        name="hours_own"
        value="1"
        checked={own}
        controls="own-hours-fields"
        label="Own business hours"
      >
        Off: the team's hours ({formatHours(teamHours)}), in this contact's time zone. Send-time advice uses
        them.
      </CheckRow>
      <div class="own-hours-fields" id="own-hours-fields">
        <HoursFields
          prefix="hours_"
          value={{ days, start, end: end === "24:00" ? "00:00" : end, closedDates: [] }}
          errors={hoursErrors}
          legend="Working days"
        />
        <ClosedDatesField
          prefix="hours_"
          dates={closedDatesAfter(values, "hours_").closedDates}
          errors={hoursErrors}
          hint="Their holidays and other days off. Added and removed dates are kept when you save the contact."
          autofocus={focusClosedDates}
        />
      </div>
    </fieldset>
  );
}

/**
 * The contact form's page. When the address is on the suppression list the tracking preference is shown,
 * not offered: the recipient set it, and a seller can't switch it back.
 */
async function contactFormPage(
  c: Context<AppEnv>,
  { id, values, errors, status, optOut, focusClosedDates, ...page }: FormPageState & {
    optOut?: Suppression | null;
    /** Back from "Add date" or "Remove": the date field has the focus, where the seller was. */
    focusClosedDates?: boolean;
  },
) {
  const { team, user } = viewer(c);
  const { kv } = c.get("deps");
  const companies = await allCompanies(kv, team.id);
  // An address another contact has: say who, with a link to them.
  const owner = errors?.email && status === 409
    ? await findContactByEmail(kv, team.id, values.email ?? "")
    : null;
  return render(
    c,
    { title: page.title, status },
    <FormPage
      {...page}
      action={id ? `/contacts/${id}` : "/contacts"}
      errors={errors}
      submit={id ? "Save changes" : "Create contact"}
      cancel="/contacts"
    >
      <SaveOnEnter />
      {id && <input type="hidden" name="baseUpdatedAt" value={values.baseUpdatedAt} />}
      <div class="grid-2">
        <Field
          label="First name"
          name="firstName"
          value={values.firstName}
          errors={errors}
          autofocus={!focusClosedDates}
        />
        <Field label="Last name" name="lastName" value={values.lastName} errors={errors} />
      </div>
      <Field
        label="Email"
        name="email"
        type="email"
        value={values.email}
        errors={errors}
        required
        hint={owner && owner.id !== id && <a href={`/contacts/${owner.id}`}>Open {contactLabel(owner)}</a>}
      />
      <div class="grid-2">
        <div>
          <Select
            label="Company"
            name="companyId"
            value={values.companyId}
            errors={errors}
            options={[
              { value: "", label: "No company" },
              ...companies.map((co) => ({ value: co.id, label: co.name })),
            ]}
          />
          {/* A company that isn't listed yet is typed here and made with the contact: nothing typed is lost. */}
          <details class="new-company" open={Boolean(values.companyName || errors?.companyName)}>
            <summary>Add a new company</summary>
            <Field
              label="New company"
              name="companyName"
              value={values.companyName}
              errors={errors}
              maxLength={120}
              hint="Made with the contact when you save. Leave the list at “No company”."
            />
          </details>
        </div>
        <Field
          label="Title"
          name="title"
          value={values.title}
          errors={errors}
          placeholder="Head of Sales"
        />
      </div>
      <div class="grid-2">
        <Field label="Phone" name="phone" type="tel" value={values.phone} errors={errors} />
        {island(TimeZoneField, {
          name: "timeZone",
          value: values.timeZone ?? "",
          mode: "select",
          zones: ["", ...timeZoneNames()],
          label: "Time zone",
          error: errors?.timeZone,
        })}
      </div>
      {optOut
        ? (
          <Field
            label="Email tracking"
            name="trackingSetByRecipient"
            value="Do not allow — set by the recipient"
            readOnly
            errors={errors?.tracking ? { trackingSetByRecipient: errors.tracking } : undefined}
            hint={`${
              optOutText(optOut, user.timeZone)
            } Only an admin can lift it, when they ask to be tracked again.`}
          />
        )
        : (
          <Select
            label="Email tracking"
            name="tracking"
            value={values.tracking || "allow"}
            errors={errors}
            required
            options={[
              { value: "allow", label: "Allow — opens and clicks are followed" },
              { value: "do_not_allow", label: "Do not allow — emails to this contact are never tracked" },
            ]}
          />
        )}
      <OwnHours
        values={values}
        errors={errors}
        teamHours={teamSettings(team).businessHours}
        focusClosedDates={focusClosedDates}
      />
      <TextArea label="Notes" name="notes" value={values.notes} errors={errors} rows={4} maxLength={5000} />
    </FormPage>,
  );
}

async function allCompanies(kv: Deno.Kv, teamId: string): Promise<Company[]> {
  return (await listCompanies(kv, teamId, { limit: 1000 })).items;
}

function contactValues(contact: Contact, teamHours: BusinessHours): Record<string, string> {
  return {
    ...hoursValues(contact.businessHours, teamHours),
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    companyId: contact.companyId ?? "",
    title: contact.title,
    phone: contact.phone,
    timeZone: contact.timeZone ?? "",
    tracking: contact.tracking,
    notes: contact.notes,
    baseUpdatedAt: String(contact.updatedAt),
  };
}

const toList = { href: "/contacts", label: "Contacts" };

contactPages.get("/contacts/new", (c) =>
  contactFormPage(c, {
    title: "New contact",
    back: toList,
    values: {
      companyId: c.req.query("company") ?? "",
      tracking: "allow",
      ...hoursValues(null, teamSettings(viewer(c).team).businessHours),
    },
  }));

contactPages.post("/contacts", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const values = await formFields(c);
  const page = { title: "New contact", back: toList };
  const edited = closedDateEdit(values);
  if (edited) return contactFormPage(c, { ...page, ...edited });
  const result = await tryForm(() => createContact(kv, team.id, contactInput(values), clock.now()));
  if (!result.ok) {
    return contactFormPage(c, { ...page, values, errors: result.errors, status: result.status });
  }
  return redirectWithFlash(c, `/contacts/${result.value.id}`, {
    kind: "success",
    text: `${contactLabel(result.value)} was added.`,
  });
});

contactPages.get("/contacts/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team, user } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  const companies = await companyNameMap(kv, team.id);
  const optOut = await findSuppression(kv, team.id, contact.email);
  const admin = user.role === "admin";
  const emails = await timeline(
    kv,
    team.id,
    { type: "contact", id: contact.id },
    olderCursor(c.req.query("older")),
  );
  return render(
    c,
    { title: contactLabel(contact) },
    <>
      <PageHeader
        title={contactLabel(contact)}
        subtitle={[contact.title, companies.get(contact.companyId ?? "")].filter(Boolean).join(" · ") ||
          (contactName(contact) ? contact.email : undefined)}
        back={{ href: "/contacts", label: "Contacts" }}
        actions={
          <>
            <a class="button button-secondary" href={`/contacts/${contact.id}/edit`}>Edit</a>
            <a class="button button-primary" href={`/compose?to=${contact.id}`}>
              <Icon name="compose" /> Email
            </a>
          </>
        }
      />
      <div class="columns">
        <section class="card details" aria-label="Details">
          <dl>
            <dt>Email</dt>
            <dd>
              <a href={`mailto:${contact.email}`}>
                <EmailAddress address={contact.email} />
              </a>
              {contact.deliveryIssue && (
                <div class="delivery-issue">
                  <DeliveryIssueBadge contact={contact} zone={user.timeZone} />
                </div>
              )}
            </dd>
            <dt>Company</dt>
            <dd>
              {contact.companyId
                ? <a href={`/companies/${contact.companyId}`}>{companies.get(contact.companyId)}</a>
                : <span class="muted">None</span>}
            </dd>
            <dt>Phone</dt>
            <dd>{contact.phone || <span class="muted">None</span>}</dd>
            <dt>Time zone</dt>
            <dd>{contact.timeZone ?? <span class="muted">Not set — send-time advice needs it</span>}</dd>
            <dt>Business hours</dt>
            <dd data-testid="contact-hours">
              {contact.businessHours ? formatHours(contact.businessHours) : (
                <>
                  {formatHours(teamSettings(team).businessHours)} <span class="muted">(the team's)</span>
                </>
              )}
              <ClosedDates
                hours={contact.businessHours ?? teamSettings(team).businessHours}
                zone={contact.timeZone ?? user.timeZone}
                now={clock.now()}
              />
            </dd>
            <dt>Tracking</dt>
            <dd>
              <TrackingBadge contact={contact} optOut={optOut} />
              {optOut && (
                <p class="muted small tracking-opt-out" data-testid="opt-out">
                  {optOutText(optOut, user.timeZone)}
                  {admin && (
                    <>
                      {" "}
                      <a href={`/contacts/${contact.id}/opt-out`}>Lift the request…</a>
                    </>
                  )}
                </p>
              )}
            </dd>
          </dl>
          {contact.notes && <p class="notes">{contact.notes}</p>}
        </section>
        <section class="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title" class="card-title">Timeline</h2>
          {island(MessageTimeline, {
            items: emails.items,
            zone: user.timeZone,
            emptyText: emails.paged
              ? "No older emails."
              : `Emails to ${callName(contact)} and what happens to them will appear here.`,
            countProxyOpens: teamSettings(team).countProxyOpens,
            of: { contactIds: [contact.id] },
            members: emails.members,
            newest: !emails.paged,
          })}
          <TimelinePager older={emails.older} paged={emails.paged} />
          <ContactTasks
            tasks={await listContactTasks(kv, team.id, contact.id)}
            zone={user.timeZone}
          />
        </section>
      </div>
      {admin && <DataRights contact={contact} />}
    </>,
  );
});

/** How many closed dates the contact's page lists before "N more". */
const CLOSED_DATES_SHOWN = 5;

/**
 * The closed dates (holidays) of the hours send-time advice uses for the contact that are still ahead in their
 * calendar (today included), soonest first: past ones don't help to choose when to write.
 */
function ClosedDates({ hours, zone, now }: { hours: BusinessHours; zone: string; now: number }) {
  const today = zoned(now, zone).toPlainDate();
  const ahead = hours.closedDates.filter((date) => date >= today.toString()).sort();
  if (!ahead.length) return null;
  const list = (dates: string[]) =>
    dates.map((date, i) => (
      <>
        {i > 0 && ", "}
        {/* A date doesn't break across lines. */}
        <time datetime={date}>{closedDateText(date, today.year).replaceAll(" ", "\u00a0")}</time>
      </>
    ));
  const more = ahead.slice(CLOSED_DATES_SHOWN);
  return (
    <div class="muted small" data-testid="contact-closed-dates">
      Closed {list(ahead.slice(0, CLOSED_DATES_SHOWN))}
      {more.length > 0 && (
        <>
          {" "}
          {/* The small inline disclosure of the engagement panel's "why?". */}
          <details class="why">
            <summary>{more.length} more</summary>
            <span class="why-text">{list(more)}</span>
          </details>
        </>
      )}
    </div>
  );
}

/** Admins: export everything about the contact, or erase it (after a confirmation page). */
function DataRights({ contact }: { contact: Contact }) {
  const name = contactLabel(contact);
  return (
    <section class="card data-rights" aria-labelledby="data-rights-title">
      <h2 id="data-rights-title" class="card-title">Data rights</h2>
      <div class="data-right">
        <div>
          <h3>Export data</h3>
          <p class="muted">
            Everything Beacon holds about{" "}
            {name}, as one JSON file: the contact, the emails sent to them with their opens, clicks and
            replies, alarms, cards and planned calls.
          </p>
        </div>
        <a
          class="button button-secondary"
          href={`/api/contacts/${contact.id}/export`}
          download={`beacon-contact-${contact.id}.json`}
          data-testid="export-contact"
        >
          Export data
        </a>
      </div>
      <div class="data-right data-right-danger">
        <div>
          <h3>Erase contact</h3>
          <p class="muted">
            Removes {name}{" "}
            and everything about them for good: emails sent only to them with their tracking and replies,
            their cards and calls. Emails that also went to others stay, with {name}{" "}
            replaced by “(erased)”. You'll see what goes before anything is erased.
          </p>
        </div>
        <a class="button button-danger" href={`/contacts/${contact.id}/erase`}>Erase contact…</a>
      </div>
    </section>
  );
}

/** What erasing a contact would remove, counted for the confirmation page (the same emails erasure finds). */
async function erasePreview(kv: Deno.Kv, teamId: string, contact: Contact) {
  return {
    ...await erasurePreview(kv, teamId, contact),
    tasks: (await listContactTasks(kv, teamId, contact.id)).length,
  };
}

const emails = (n: number) => `${n} email${n === 1 ? "" : "s"}`;

async function renderErase(c: Context<AppEnv>, contact: Contact, error?: string) {
  const { team } = viewer(c);
  const preview = await erasePreview(c.get("deps").kv, team.id, contact);
  const name = contactLabel(contact);
  return render(
    c,
    { title: `Erase ${name}`, status: error ? 400 : 200 },
    <>
      <PageHeader
        title={`Erase ${name}?`}
        subtitle="This cannot be undone."
        back={{ href: `/contacts/${contact.id}`, label: name }}
      />
      <Form action={`/contacts/${contact.id}/erase`} class="card form-card stack erase-confirm">
        {error && <div class="alert alert-error" role="alert">{error}</div>}
        <p>Erasing removes from Beacon:</p>
        <ul class="erase-list">
          <li>
            <strong>{emails(preview.deleted)}</strong> sent only to{" "}
            {name}, with their opens, clicks, attachment views, replies, alarms and cards.
          </li>
          {preview.redacted > 0 && (
            <li>
              From <strong>{emails(preview.redacted)}</strong> that also went to others: {name}{" "}
              as a recipient (shown as “(erased)”) and their replies. The emails stay for the other
              recipients.
            </li>
          )}
          <li>Every reply and other email received from {contact.email}, matched or not.</li>
          {preview.tasks > 0 && (
            <li>
              <strong>
                {preview.tasks} planned call{preview.tasks === 1 ? "" : "s"}
              </strong>{" "}
              with {name}.
            </li>
          )}
          <li>The contact itself: name, address, notes, time zone and tracking preference.</li>
        </ul>
        <p class="muted">
          If {name}{" "}
          asked not to be tracked, that request stays on the team's suppression list, kept as a keyed hash of
          the address rather than the address, so later emails to it are still never tracked.
        </p>
        <p class="muted">
          Need a copy first? <a href={`/api/contacts/${contact.id}/export`} download>Export the data</a>.
        </p>
        <CheckRow
          name="confirm"
          value="yes"
          required
          label={<>I understand that {name} and this data are erased permanently</>}
        />
        <FormActions submit={<>Erase {name}</>} kind="danger" cancel={`/contacts/${contact.id}`} />
      </Form>
    </>,
  );
}

contactPages.get("/contacts/:id/erase", async (c) => {
  requireAdmin(c);
  const contact = await getContact(c.get("deps").kv, viewer(c).team.id, c.req.param("id"));
  return renderErase(c, contact);
});

contactPages.post("/contacts/:id/erase", async (c) => {
  requireAdmin(c);
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  const { confirm } = await formFields(c);
  if (confirm !== "yes") {
    return renderErase(c, contact, "Tick the box to confirm: erasing can't be undone.");
  }
  const report = await eraseContact(kv, team.id, contact.id);
  const name = contactLabel(contact);
  const parts = [
    `${emails(report.messagesDeleted)} deleted`,
    ...(report.messagesRedacted ? [`${emails(report.messagesRedacted)} kept with ${name} redacted`] : []),
  ];
  return redirectWithFlash(c, "/contacts", {
    kind: "success",
    text: `${name} was erased: ${
      parts.join(", ")
    }, along with their tracking data, replies, cards and calls.`,
  });
});

contactPages.get("/contacts/:id/edit", async (c) => {
  const { kv } = c.get("deps");
  const { team, user } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  return contactFormPage(c, {
    title: `Edit ${contactLabel(contact)}`,
    back: { href: `/contacts/${contact.id}`, label: contactLabel(contact) },
    id: contact.id,
    values: contactValues(contact, teamSettings(team).businessHours),
    optOut: await findSuppression(kv, team.id, contact.email),
    after: user.role === "admin" && (
      <DangerZone href={`/contacts/${contact.id}/delete`} label="Delete contact">
        Deleting removes this contact from Beacon; you'll confirm on the next page.
      </DangerZone>
    ),
  });
});

contactPages.post("/contacts/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const id = c.req.param("id");
  const contact = await getContact(kv, team.id, id);
  const values = await formFields(c);
  // The form again (a refused save, a closed date added or removed), with the opt-out it shows.
  const page = async () => ({
    title: "Edit contact",
    back: { href: `/contacts/${id}`, label: "Contact" },
    id,
    optOut: await findSuppression(kv, team.id, contact.email),
  });
  const edited = closedDateEdit(values);
  if (edited) return contactFormPage(c, { ...await page(), ...edited });
  const result = await tryForm(() => updateContact(kv, team.id, id, contactInput(values), clock.now()));
  if (!result.ok) {
    return contactFormPage(c, { ...await page(), values, errors: result.errors, status: result.status });
  }
  return redirectWithFlash(c, `/contacts/${id}`, { kind: "success", text: "Contact saved." });
});

/** Deleting a contact (admins) asks first, saying what stays and what goes. */
async function renderDelete(c: Context<AppEnv>, contact: Contact) {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const name = contactLabel(contact);
  const optOut = await findSuppression(kv, team.id, contact.email);
  return render(
    c,
    { title: `Delete ${name}` },
    <>
      <PageHeader
        title={`Delete ${name}?`}
        subtitle="This cannot be undone."
        back={{ href: `/contacts/${contact.id}/edit`, label: `Edit ${name}` }}
      />
      <Form action={`/contacts/${contact.id}/delete`} class="card form-card stack erase-confirm">
        <p>
          {name} is removed from your contacts. Emails already sent to {contact.email}{" "}
          stay in Activity, without a link to the contact.
        </p>
        {optOut
          ? (
            <p data-testid="delete-tracking">
              {name} asked not to be tracked: that stays on the team's suppression list, so emails to{" "}
              {contact.email} are still never tracked.
            </p>
          )
          : contact.tracking === "do_not_allow" && (
            <p data-testid="delete-tracking">
              <strong>The “do not allow” tracking preference goes with the contact:</strong> later emails to
              {" "}
              {contact.email} are tracked again unless you add them back.
            </p>
          )}
        <input type="hidden" name="confirm" value="yes" />
        <FormActions submit={<>Delete {name}</>} kind="danger" cancel={`/contacts/${contact.id}/edit`} />
      </Form>
    </>,
  );
}

contactPages.get("/contacts/:id/delete", async (c) => {
  requireAdmin(c);
  return renderDelete(c, await getContact(c.get("deps").kv, viewer(c).team.id, c.req.param("id")));
});

contactPages.post("/contacts/:id/delete", async (c) => {
  requireAdmin(c);
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  // Only the confirmation page's form deletes; any other post (an old Delete button) is asked first.
  if ((await formFields(c)).confirm !== "yes") return renderDelete(c, contact);
  await deleteContact(kv, team.id, contact.id);
  return redirectWithFlash(c, "/contacts", {
    kind: "success",
    text: `${contactLabel(contact)} was deleted.`,
  });
});

/** Admins lift a recipient's own opt-out only when that person asked to be tracked again, and say so. */
async function renderLiftOptOut(c: Context<AppEnv>, contact: Contact, error?: string) {
  const { kv } = c.get("deps");
  const { team, user } = viewer(c);
  const optOut = await findSuppression(kv, team.id, contact.email);
  if (!optOut) return c.redirect(`/contacts/${contact.id}`, 303);
  const name = contactLabel(contact);
  return render(
    c,
    { title: `Lift ${name}'s request`, status: error ? 400 : 200 },
    <>
      <PageHeader
        title={`Lift ${name}'s request not to be tracked?`}
        subtitle={optOutText(optOut, user.timeZone)}
        back={{ href: `/contacts/${contact.id}`, label: name }}
      />
      <Form action={`/contacts/${contact.id}/opt-out`} class="card form-card stack">
        {error && <div class="alert alert-error" role="alert">{error}</div>}
        <p>
          Do this only when {name}{" "}
          asked your team to track their emails again. Their address leaves the suppression list; the contact
          stays “do not allow” until someone changes it in Edit.
        </p>
        <CheckRow
          name="confirm"
          value="yes"
          required
          label={<>{name} asked to be tracked again</>}
        />
        <FormActions submit="Lift the request" cancel={`/contacts/${contact.id}`} />
      </Form>
    </>,
  );
}

contactPages.get("/contacts/:id/opt-out", async (c) => {
  requireAdmin(c);
  return renderLiftOptOut(c, await getContact(c.get("deps").kv, viewer(c).team.id, c.req.param("id")));
});

contactPages.post("/contacts/:id/opt-out", async (c) => {
  requireAdmin(c);
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  if ((await formFields(c)).confirm !== "yes") {
    return renderLiftOptOut(c, contact, "Tick the box to confirm that they asked.");
  }
  await liftSuppression(kv, team.id, contact.email);
  return redirectWithFlash(c, `/contacts/${contact.id}`, {
    kind: "success",
    text: `${contactLabel(contact)}'s request was lifted. Tracking stays off until you allow it.`,
  });
});

function ContactTasks({ tasks, zone }: { tasks: Task[]; zone: string }) {
  if (!tasks.length) return null;
  return (
    <>
      <h3 class="section-title">Calls</h3>
      <ul class="list">
        {tasks.map((t) => (
          <li key={t.id} class={`list-row${t.done ? " is-done" : ""}`}>
            <span>
              <span class="task-subject">{t.subject}</span>{" "}
              <span class="muted small">· {t.done ? "done" : `due ${formatDateTime(t.dueAt, zone)}`}</span>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** A destructive action below a form: a button that posts to `action`, or a link to its confirmation page. */
export function DangerZone(
  { label, children, ...to }: { label: string; children: string } & ({ action: string } | { href: string }),
) {
  const text = (
    <div>
      <h2 class="card-title">{label}</h2>
      <p class="muted">{children}</p>
    </div>
  );
  if ("href" in to) {
    return (
      <section class="card danger-zone">
        {text}
        <a class="button button-danger" href={to.href}>{label}…</a>
      </section>
    );
  }
  return (
    <Form action={to.action} class="card danger-zone">
      {text}
      <button class="button button-danger" type="submit">{label}</button>
    </Form>
  );
}
