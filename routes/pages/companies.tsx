/** Company pages: list, create, edit, delete, and the company's page with its contacts. */
import { type Context, Hono } from "hono";
import { Icon } from "../../components/icons.tsx";
import { island } from "../../components/island.ts";
import { FormPage, type FormPageState } from "../../components/form_page.tsx";
import { ListPage } from "../../components/list_page.tsx";
import { teamSettings } from "../../lib/accounts/types.ts";
import MessageTimeline from "../../islands/message_timeline.tsx";
import { DataTable, EmailAddress, EmptyState, Field, NewButton, PageHeader } from "../../components/ui.tsx";
import {
  createCompany,
  deleteCompany,
  findCompanyByName,
  getCompany,
  listCompanies,
  updateCompany,
} from "../../lib/contacts/companies.ts";
import { listCompanyContactsPage } from "../../lib/contacts/contacts.ts";
import { type Company, contactLabel } from "../../lib/contacts/types.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { olderCursor, timeline, TimelinePager } from "./timeline.tsx";
import { CONTACTS_PAGE, DangerZone, TrackingBadge } from "./contacts.tsx";

export const companyPages = new Hono<AppEnv>();

companyPages.get("/companies", async (c) => {
  const { team } = viewer(c);
  const q = c.req.query("q") ?? "";
  const page = await listCompanies(c.get("deps").kv, team.id, { q, cursor: c.req.query("cursor") });
  return render(
    c,
    { title: "Companies" },
    <ListPage
      title="Companies"
      subtitle="The organisations your contacts work for."
      actions={<NewButton href="/companies/new">New company</NewButton>}
      search={{ q, placeholder: "Search by name, domain or industry", plural: "companies" }}
      items={page.items}
      cursor={page.cursor}
      paged={Boolean(c.req.query("cursor"))}
      empty={
        <EmptyState
          icon="company"
          title="No companies yet"
          action={<a class="button button-primary" href="/companies/new">Add a company</a>}
        >
          Group contacts by company to see a whole account's engagement in one place.
        </EmptyState>
      }
    >
      <DataTable
        head={
          <>
            <th>Name</th>
            <th>Domain</th>
            <th class="hide-sm">Industry</th>
          </>
        }
      >
        {page.items.map((company) => (
          <tr>
            <td>
              <a class="row-link" href={`/companies/${company.id}`}>{company.name}</a>
            </td>
            <td>{company.domain ?? <span class="muted">—</span>}</td>
            <td class="hide-sm">{company.industry || <span class="muted">—</span>}</td>
          </tr>
        ))}
      </DataTable>
    </ListPage>,
  );
});

/** The company form's page; Cancel leads where the back link does. */
async function companyFormPage(c: Context<AppEnv>, { id, values, errors, status, ...page }: FormPageState) {
  // A name that is taken: say which company has it, with a link to it.
  const existing = errors?.name && status === 409
    ? await findCompanyByName(c.get("deps").kv, viewer(c).team.id, values.name ?? "")
    : null;
  if (existing) errors = { ...errors, _: errors!.name };
  return render(
    c,
    { title: page.title, status },
    <FormPage
      {...page}
      action={id ? `/companies/${id}` : "/companies"}
      errors={errors}
      submit={id ? "Save changes" : "Create company"}
      cancel={page.back.href}
    >
      {id && <input type="hidden" name="baseUpdatedAt" value={values.baseUpdatedAt} />}
      <Field
        label="Name"
        name="name"
        value={values.name}
        errors={errors}
        required
        autofocus
        hint={existing && <a href={`/companies/${existing.id}`}>Open {existing.name}</a>}
      />
      <div class="grid-2">
        <Field label="Domain" name="domain" value={values.domain} errors={errors} placeholder="example.com" />
        <Field
          label="Industry"
          name="industry"
          value={values.industry}
          errors={errors}
          placeholder="Logistics"
        />
      </div>
    </FormPage>,
  );
}

const toList = { href: "/companies", label: "Companies" };

const companyValues = (co: Company) => ({
  name: co.name,
  domain: co.domain ?? "",
  industry: co.industry,
  baseUpdatedAt: String(co.updatedAt),
});

companyPages.get(
  "/companies/new",
  (c) => companyFormPage(c, { title: "New company", back: toList, values: {} }),
);

companyPages.post("/companies", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const values = await formFields(c);
  const result = await tryForm(() => createCompany(kv, team.id, values, clock.now()));
  if (!result.ok) {
    return companyFormPage(c, {
      title: "New company",
      back: toList,
      values,
      errors: result.errors,
      status: result.status,
    });
  }
  return redirectWithFlash(c, `/companies/${result.value.id}`, {
    kind: "success",
    text: `${result.value.name} was added.`,
  });
});

companyPages.get("/companies/:id", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const company = await getCompany(kv, team.id, c.req.param("id"));
  const people = await listCompanyContactsPage(kv, team.id, company.id, { limit: CONTACTS_PAGE });
  const emails = await timeline(
    kv,
    team.id,
    { type: "company", id: company.id },
    olderCursor(c.req.query("older")),
  );
  return render(
    c,
    { title: company.name },
    <>
      <PageHeader
        title={company.name}
        subtitle={[company.domain, company.industry].filter(Boolean).join(" · ") || undefined}
        back={{ href: "/companies", label: "Companies" }}
        actions={
          <>
            <a class="button button-secondary" href={`/companies/${company.id}/edit`}>Edit</a>
            <a class="button button-primary" href={`/contacts/new?company=${company.id}`}>
              <Icon name="plus" /> Add contact
            </a>
          </>
        }
      />
      <section class="card" aria-labelledby="people">
        <h2 id="people" class="card-title">Contacts</h2>
        {people.items.length === 0
          ? <EmptyState icon="contacts" title="No contacts at this company yet" />
          : (
            <DataTable
              head={
                <>
                  <th>Name</th>
                  <th>Email</th>
                  <th class="hide-sm">Title</th>
                  <th class="hide-sm">Tracking</th>
                </>
              }
            >
              {people.items.map((contact) => (
                <tr>
                  <td>
                    <a class="row-link" href={`/contacts/${contact.id}`}>{contactLabel(contact)}</a>
                  </td>
                  <td class="truncate" title={contact.email}>
                    <EmailAddress address={contact.email} />
                  </td>
                  <td class="hide-sm">{contact.title || <span class="muted">—</span>}</td>
                  <td class="hide-sm">
                    <TrackingBadge contact={contact} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        {people.cursor && (
          <nav class="pager" aria-label="More contacts">
            <a class="button button-secondary" href={`/contacts?company=${company.id}`}>
              All {people.contactIds.length} contacts →
            </a>
          </nav>
        )}
      </section>
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title" class="card-title">Timeline</h2>
        {island(MessageTimeline, {
          items: emails.items,
          zone: viewer(c).user.timeZone,
          emptyText: emails.paged
            ? "No older emails."
            : `Emails to people at ${company.name} and what happens to them will appear here.`,
          countProxyOpens: teamSettings(team).countProxyOpens,
          // Everyone at the company, not only the contacts listed above: an email to any of them joins live.
          of: { contactIds: people.contactIds, companyId: company.id },
          members: emails.members,
          newest: !emails.paged,
        })}
        <TimelinePager older={emails.older} paged={emails.paged} />
      </section>
    </>,
  );
});

companyPages.get("/companies/:id/edit", async (c) => {
  const { team } = viewer(c);
  const company = await getCompany(c.get("deps").kv, team.id, c.req.param("id"));
  return companyFormPage(c, {
    title: `Edit ${company.name}`,
    back: { href: `/companies/${company.id}`, label: company.name },
    id: company.id,
    values: companyValues(company),
    after: (
      <DangerZone action={`/companies/${company.id}/delete`} label="Delete company">
        A company can be deleted once it has no contacts.
      </DangerZone>
    ),
  });
});

companyPages.post("/companies/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const id = c.req.param("id");
  await getCompany(kv, team.id, id);
  const values = await formFields(c);
  const result = await tryForm(() => updateCompany(kv, team.id, id, values, clock.now()));
  if (!result.ok) {
    return companyFormPage(c, {
      title: "Edit company",
      back: { href: `/companies/${id}`, label: "Company" },
      id,
      values,
      errors: result.errors,
      status: result.status,
    });
  }
  return redirectWithFlash(c, `/companies/${id}`, { kind: "success", text: "Company saved." });
});

companyPages.post("/companies/:id/delete", async (c) => {
  const { kv } = c.get("deps");
  const { team } = viewer(c);
  const id = c.req.param("id");
  const company = await getCompany(kv, team.id, id);
  const result = await tryForm(() => deleteCompany(kv, team.id, id));
  if (!result.ok) return redirectWithFlash(c, `/companies/${id}`, { kind: "error", text: result.errors._ });
  return redirectWithFlash(c, "/companies", { kind: "success", text: `${company.name} was deleted.` });
});
