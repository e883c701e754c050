/** Company pages: list, create, edit, delete, and the company's page with its contacts. */
import { Hono } from "hono";
import { Icon } from "../../components/icons.tsx";
import { island } from "../../components/island.ts";
import { teamSettings } from "../../lib/accounts/types.ts";
import MessageTimeline from "../../islands/message_timeline.tsx";
import { EmptyState, Field, Form, FormAlert, PageHeader, Pager, SearchBox } from "../../components/ui.tsx";
import {
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  updateCompany,
} from "../../lib/contacts/companies.ts";
import { listCompanyContacts } from "../../lib/contacts/contacts.ts";
import { type Company, contactName } from "../../lib/contacts/types.ts";
import type { FieldErrors } from "../../lib/http/errors.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { timelineItems } from "./timeline.ts";
import { DangerZone, TrackingBadge } from "./contacts.tsx";

export const companyPages = new Hono<AppEnv>();

companyPages.get("/companies", async (c) => {
  const { team } = viewer(c);
  const q = c.req.query("q") ?? "";
  const page = await listCompanies(c.get("deps").kv, team.id, { q, cursor: c.req.query("cursor") });
  return render(
    c,
    { title: "Companies" },
    <>
      <PageHeader
        title="Companies"
        subtitle="The organisations your contacts work for."
        actions={
          <a class="button button-primary" href="/companies/new">
            <Icon name="plus" /> New company
          </a>
        }
      />
      <SearchBox q={q} placeholder="Search by name, domain or industry" />
      {page.items.length === 0
        ? q
          ? <EmptyState icon="search" title={`No companies match “${q}”`}>Try a shorter search.</EmptyState>
          : (
            <EmptyState
              icon="company"
              title="No companies yet"
              action={<a class="button button-primary" href="/companies/new">Add a company</a>}
            >
              Group contacts by company to see a whole account's engagement in one place.
            </EmptyState>
          )
        : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domain</th>
                  <th class="hide-sm">Industry</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((company) => (
                  <tr>
                    <td>
                      <a class="row-link" href={`/companies/${company.id}`}>{company.name}</a>
                    </td>
                    <td>{company.domain ?? <span class="muted">—</span>}</td>
                    <td class="hide-sm">{company.industry || <span class="muted">—</span>}</td>
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

function CompanyForm(
  { action, values, errors, submit, cancel }: {
    action: string;
    values: Record<string, string>;
    errors?: FieldErrors;
    submit: string;
    cancel: string;
  },
) {
  return (
    <Form action={action} class="card form-card stack">
      <FormAlert errors={errors} />
      <Field label="Name" name="name" value={values.name} errors={errors} required autofocus />
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
      <div class="form-actions">
        <button class="button button-primary" type="submit">{submit}</button>
        <a class="button button-ghost" href={cancel}>Cancel</a>
      </div>
    </Form>
  );
}

const companyValues = (co: Company) => ({ name: co.name, domain: co.domain ?? "", industry: co.industry });

companyPages.get("/companies/new", (c) =>
  render(
    c,
    { title: "New company" },
    <>
      <PageHeader title="New company" back={{ href: "/companies", label: "Companies" }} />
      <CompanyForm action="/companies" values={{}} submit="Create company" cancel="/companies" />
    </>,
  ));

companyPages.post("/companies", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const values = await formFields(c);
  const result = await tryForm(() => createCompany(kv, team.id, values, clock.now()));
  if (!result.ok) {
    return render(
      c,
      { title: "New company", status: result.status },
      <>
        <PageHeader title="New company" back={{ href: "/companies", label: "Companies" }} />
        <CompanyForm
          action="/companies"
          values={values}
          errors={result.errors}
          submit="Create company"
          cancel="/companies"
        />
      </>,
    );
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
  const contacts = await listCompanyContacts(kv, team.id, company.id);
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
        {contacts.length === 0
          ? <EmptyState icon="contacts" title="No contacts at this company yet" />
          : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Email</th>
                    <th class="hide-sm">Title</th>
                    <th class="hide-sm">Tracking</th>
                  </tr>
                </thead>
                <tbody>
                  {contacts.map((contact) => (
                    <tr>
                      <td>
                        <a class="row-link" href={`/contacts/${contact.id}`}>{contactName(contact)}</a>
                      </td>
                      <td class="truncate">{contact.email}</td>
                      <td class="hide-sm">{contact.title || <span class="muted">—</span>}</td>
                      <td class="hide-sm">
                        <TrackingBadge contact={contact} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title" class="card-title">Timeline</h2>
        {island(MessageTimeline, {
          items: await timelineItems(kv, team.id, { type: "company", id: company.id }),
          zone: viewer(c).user.timeZone,
          emptyText: `Emails to people at ${company.name} and what happens to them will appear here.`,
          countProxyOpens: teamSettings(team).countProxyOpens,
        })}
      </section>
    </>,
  );
});

companyPages.get("/companies/:id/edit", async (c) => {
  const { team } = viewer(c);
  const company = await getCompany(c.get("deps").kv, team.id, c.req.param("id"));
  return render(
    c,
    { title: `Edit ${company.name}` },
    <>
      <PageHeader
        title={`Edit ${company.name}`}
        back={{ href: `/companies/${company.id}`, label: company.name }}
      />
      <CompanyForm
        action={`/companies/${company.id}`}
        values={companyValues(company)}
        submit="Save changes"
        cancel={`/companies/${company.id}`}
      />
      <DangerZone action={`/companies/${company.id}/delete`} label="Delete company">
        A company can be deleted once it has no contacts.
      </DangerZone>
    </>,
  );
});

companyPages.post("/companies/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { team } = viewer(c);
  const id = c.req.param("id");
  await getCompany(kv, team.id, id);
  const values = await formFields(c);
  const result = await tryForm(() => updateCompany(kv, team.id, id, values, clock.now()));
  if (!result.ok) {
    return render(
      c,
      { title: "Edit company", status: result.status },
      <>
        <PageHeader title="Edit company" back={{ href: `/companies/${id}`, label: "Company" }} />
        <CompanyForm
          action={`/companies/${id}`}
          values={values}
          errors={result.errors}
          submit="Save changes"
          cancel={`/companies/${id}`}
        />
      </>,
    );
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
