/** Contact pages: list with search, create, edit, delete, and the contact's own page. */
import { Hono } from "hono";
import { Icon } from "../../components/icons.tsx";
import { island } from "../../components/island.ts";
import {
  Badge,
  EmptyState,
  Field,
  Form,
  FormAlert,
  PageHeader,
  Pager,
  SearchBox,
  Select,
  TextArea,
} from "../../components/ui.tsx";
import MessageTimeline from "../../islands/message_timeline.tsx";
import TimeZoneField from "../../islands/time_zone_field.tsx";
import { listCompanies } from "../../lib/contacts/companies.ts";
import {
  companyNameMap,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from "../../lib/contacts/contacts.ts";
import { type Company, type Contact, contactName } from "../../lib/contacts/types.ts";
import type { FieldErrors } from "../../lib/http/errors.ts";
import { timeZoneNames } from "../../lib/time/zones.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import { listContactTasks } from "../../lib/assistant/tasks.ts";
import type { Task } from "../../lib/assistant/types.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { timelineItems } from "./timeline.ts";

export const contactPages = new Hono<AppEnv>();

contactPages.get("/contacts", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const q = c.req.query("q") ?? "";
  const page = await listContacts(kv, team.id, { q, cursor: c.req.query("cursor"), limit: 50 });
  const companies = await companyNameMap(kv, team.id);
  return render(
    c,
    { title: "Contacts" },
    <>
      <PageHeader
        title="Contacts"
        subtitle="The people your team emails."
        actions={
          <a class="button button-primary" href="/contacts/new">
            <Icon name="plus" /> New contact
          </a>
        }
      />
      <SearchBox q={q} placeholder="Search by name, email, title or company" />
      {page.items.length === 0
        ? q
          ? <EmptyState icon="search" title={`No contacts match “${q}”`}>Try a shorter search.</EmptyState>
          : (
            <EmptyState
              icon="contacts"
              title="No contacts yet"
              action={<a class="button button-primary" href="/contacts/new">Add your first contact</a>}
            >
              Contacts hold each customer's time zone and tracking preference, and later their timeline.
            </EmptyState>
          )
        : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th class="hide-sm">Company</th>
                  <th class="hide-sm">Time zone</th>
                  <th class="hide-sm">Tracking</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((contact) => (
                  <tr>
                    <td>
                      <a class="row-link" href={`/contacts/${contact.id}`}>{contactName(contact)}</a>
                      {contact.title && <div class="muted small">{contact.title}</div>}
                    </td>
                    <td class="truncate">{contact.email}</td>
                    <td class="hide-sm">{companies.get(contact.companyId ?? "") ?? "—"}</td>
                    <td class="hide-sm">{contact.timeZone ?? <span class="muted">Not set</span>}</td>
                    <td class="hide-sm">
                      <TrackingBadge contact={contact} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <Pager cursor={page.cursor} params={q ? { q } : {}} />
    </>,
  );
});

export function TrackingBadge({ contact }: { contact: Contact }) {
  return contact.tracking === "allow"
    ? <Badge tone="green">Allows tracking</Badge>
    : <Badge tone="amber" title="Emails to this contact are not tracked">Do not track</Badge>;
}

function ContactForm(
  { action, values, errors, companies, submit }: {
    action: string;
    values: Record<string, string>;
    errors?: FieldErrors;
    companies: Company[];
    submit: string;
  },
) {
  return (
    <Form action={action} class="card form-card stack">
      <FormAlert errors={errors} />
      <div class="grid-2">
        <Field
          label="First name"
          name="firstName"
          value={values.firstName}
          errors={errors}
          required
          autofocus
        />
        <Field label="Last name" name="lastName" value={values.lastName} errors={errors} />
      </div>
      <Field label="Email" name="email" type="email" value={values.email} errors={errors} required />
      <div class="grid-2">
        <Select
          label="Company"
          name="companyId"
          value={values.companyId}
          errors={errors}
          options={[
            { value: "", label: "No company" },
            ...companies.map((co) => ({ value: co.id, label: co.name })),
          ]}
          hint={<a href="/companies/new">Add a company</a>}
        />
        <Field label="Title" name="title" value={values.title} errors={errors} placeholder="Head of Sales" />
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
      <TextArea label="Notes" name="notes" value={values.notes} errors={errors} rows={4} maxLength={5000} />
      <div class="form-actions">
        <button class="button button-primary" type="submit">{submit}</button>
        <a class="button button-ghost" href="/contacts">Cancel</a>
      </div>
    </Form>
  );
}

async function allCompanies(kv: Deno.Kv, teamId: string): Promise<Company[]> {
  return (await listCompanies(kv, teamId, { limit: 1000 })).items;
}

function contactValues(contact: Contact): Record<string, string> {
  return {
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    companyId: contact.companyId ?? "",
    title: contact.title,
    phone: contact.phone,
    timeZone: contact.timeZone ?? "",
    tracking: contact.tracking,
    notes: contact.notes,
  };
}

contactPages.get("/contacts/new", async (c) => {
  const { team } = viewer(c);
  const companies = await allCompanies(c.get("deps").kv, team.id);
  const values = { companyId: c.req.query("company") ?? "", tracking: "allow" };
  return render(
    c,
    { title: "New contact" },
    <>
      <PageHeader title="New contact" back={{ href: "/contacts", label: "Contacts" }} />
      <ContactForm action="/contacts" values={values} companies={companies} submit="Create contact" />
    </>,
  );
});

contactPages.post("/contacts", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const values = await formFields(c);
  const result = await tryForm(() => createContact(kv, team.id, values, clock.now()));
  if (!result.ok) {
    const companies = await allCompanies(kv, team.id);
    return render(
      c,
      { title: "New contact", status: result.status },
      <>
        <PageHeader title="New contact" back={{ href: "/contacts", label: "Contacts" }} />
        <ContactForm
          action="/contacts"
          values={values}
          errors={result.errors}
          companies={companies}
          submit="Create contact"
        />
      </>,
    );
  }
  return redirectWithFlash(c, `/contacts/${result.value.id}`, {
    kind: "success",
    text: `${contactName(result.value)} was added.`,
  });
});

contactPages.get("/contacts/:id", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  const companies = await companyNameMap(kv, team.id);
  return render(
    c,
    { title: contactName(contact) },
    <>
      <PageHeader
        title={contactName(contact)}
        subtitle={[contact.title, companies.get(contact.companyId ?? "")].filter(Boolean).join(" · ") ||
          contact.email}
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
              <a href={`mailto:${contact.email}`}>{contact.email}</a>
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
            <dt>Tracking</dt>
            <dd>
              <TrackingBadge contact={contact} />
            </dd>
          </dl>
          {contact.notes && <p class="notes">{contact.notes}</p>}
        </section>
        <section class="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title" class="card-title">Timeline</h2>
          {island(MessageTimeline, {
            items: await timelineItems(kv, team.id, { type: "contact", id: contact.id }),
            zone: viewer(c).user.timeZone,
            emptyText: `Emails to ${contact.firstName} and what happens to them will appear here.`,
          })}
          <ContactTasks
            tasks={await listContactTasks(kv, team.id, contact.id)}
            zone={viewer(c).user.timeZone}
          />
        </section>
      </div>
    </>,
  );
});

contactPages.get("/contacts/:id/edit", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  const companies = await allCompanies(kv, team.id);
  return render(
    c,
    { title: `Edit ${contactName(contact)}` },
    <>
      <PageHeader
        title={`Edit ${contactName(contact)}`}
        back={{ href: `/contacts/${contact.id}`, label: contactName(contact) }}
      />
      <ContactForm
        action={`/contacts/${contact.id}`}
        values={contactValues(contact)}
        companies={companies}
        submit="Save changes"
      />
      <DangerZone action={`/contacts/${contact.id}/delete`} label="Delete contact">
        Deleting removes this contact from Beacon.
      </DangerZone>
    </>,
  );
});

contactPages.post("/contacts/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const id = c.req.param("id");
  await getContact(kv, team.id, id);
  const values = await formFields(c);
  const result = await tryForm(() => updateContact(kv, team.id, id, values, clock.now()));
  if (!result.ok) {
    const companies = await allCompanies(kv, team.id);
    return render(
      c,
      { title: "Edit contact", status: result.status },
      <>
        <PageHeader title="Edit contact" back={{ href: `/contacts/${id}`, label: "Contact" }} />
        <ContactForm
          action={`/contacts/${id}`}
          values={values}
          errors={result.errors}
          companies={companies}
          submit="Save changes"
        />
      </>,
    );
  }
  return redirectWithFlash(c, `/contacts/${id}`, { kind: "success", text: "Contact saved." });
});

contactPages.post("/contacts/:id/delete", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const contact = await getContact(kv, team.id, c.req.param("id"));
  await deleteContact(kv, team.id, contact.id);
  return redirectWithFlash(c, "/contacts", { kind: "success", text: `${contactName(contact)} was deleted.` });
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
              <span class="task-subject">{t.subject}</span>
              <span class="muted small">· {t.done ? "done" : `due ${formatDateTime(t.dueAt, zone)}`}</span>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function DangerZone({ action, label, children }: { action: string; label: string; children: string }) {
  return (
    <Form action={action} class="card danger-zone">
      <div>
        <h2 class="card-title">{label}</h2>
        <p class="muted">{children}</p>
      </div>
      <button class="button button-danger" type="submit">{label}</button>
    </Form>
  );
}
