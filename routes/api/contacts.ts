/** API: contacts and companies. */
import { createRoute, type Hook, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError, notFound } from "../../lib/http/errors.ts";
import { findSuppression, liftSuppression } from "../../lib/privacy/suppression.ts";
import {
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  updateCompany,
} from "../../lib/contacts/companies.ts";
import {
  contactInvalid,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from "../../lib/contacts/contacts.ts";
import { CompanyInput, ContactInput } from "../../lib/contacts/schemas.ts";
import type { Contact } from "../../lib/contacts/types.ts";
import type { Page } from "../../lib/storage/kv.ts";
import type { AppEnv } from "../deps.ts";
import { requireAdmin, viewer } from "../middleware/auth.ts";
import { deleteTeamRecordRoute, getTeamRecordRoute } from "./helpers.ts";
import {
  apiRouter,
  errors,
  IdParams,
  json,
  jsonBody,
  pageOf,
  PageQuery,
  security,
  validationHook,
} from "./openapi.ts";
import { CompanySchema, ContactSchema, pick } from "./schemas.ts";

export const contactsApi = apiRouter();

/** The record's `updatedAt` as the caller last read it: when it has changed since, nothing is saved (409). */
const base = {
  baseUpdatedAt: z.number().int().optional().openapi({
    description: "The `updatedAt` last read: when the record has changed since, nothing is saved (409)",
  }),
};
const ContactPatch = ContactInput.partial().extend(base).openapi("ContactPatch");
const CompanyPatch = CompanyInput.partial().extend(base).openapi("CompanyPatch");
const ContactPage = pageOf(ContactSchema, "ContactPage");

/** A page of contacts as the API answers it (the team's, or a company's). */
const contactPage = (c: Context<AppEnv>, { items, cursor }: Page<Contact>) =>
  c.json({ items: items.map((x) => pick(ContactSchema, x)), cursor }, 200);

/**
 * The router's own check of a contact's body, except that a body it refuses (bad fields, or fields the endpoint
 * doesn't take) also gets an unknown company named (only the database knows the team's companies): one 400
 * lists everything to fix, as the form does. (Typed as the router's own hook: the route types accept a hook's
 * promise only of that type, not a plain `async` function's.)
 */
const checkContact = validationHook(Object.keys(ContactPatch.shape));

function contactBody<T, P extends string>(
  result: Parameters<Hook<T, AppEnv, P, unknown>>[0],
  c: Context<AppEnv, P>,
): ReturnType<NonNullable<typeof contactsApi.defaultHook>> {
  return (async () => {
    try {
      return await checkContact(result, c);
    } catch (error) {
      if (result.target !== "json" || !(error instanceof AppError) || error.status !== 400) throw error;
      throw await contactInvalid(c.get("deps").kv, viewer(c).team.id, await c.req.json(), error.fields ?? {});
    }
  })();
}

contactsApi.openapi(
  createRoute({
    method: "get",
    path: "/contacts",
    tags: ["Contacts"],
    summary: "Contacts by name; `q` searches name, email, title and company (its name or domain)",
    security,
    request: { query: PageQuery },
    responses: {
      200: json(ContactPage, "A page of contacts"),
      400: errors[400],
      401: errors[401],
    },
  }),
  async (c) => contactPage(c, await listContacts(c.get("deps").kv, viewer(c).team.id, c.req.valid("query"))),
);

contactsApi.openapi(
  createRoute({
    method: "post",
    path: "/contacts",
    tags: ["Contacts"],
    summary: "Create a contact",
    security,
    request: jsonBody(ContactInput),
    responses: { 201: json(ContactSchema, "The new contact"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const contact = await createContact(kv, viewer(c).team.id, c.req.valid("json"), clock.now());
    return c.json(pick(ContactSchema, contact), 201);
  },
  contactBody,
);

getTeamRecordRoute(
  contactsApi,
  { path: "/contacts/{id}", tags: ["Contacts"], summary: "One contact", description: "The contact" },
  ContactSchema,
  getContact,
);

contactsApi.openapi(
  createRoute({
    method: "patch",
    path: "/contacts/{id}",
    tags: ["Contacts"],
    summary: "Change some fields of a contact",
    security,
    request: { params: IdParams, ...jsonBody(ContactPatch) },
    responses: { 200: json(ContactSchema, "The updated contact"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const body = await c.req.json();
    const contact = await updateContact(kv, viewer(c).team.id, c.req.valid("param").id, body, clock.now());
    return c.json(pick(ContactSchema, contact), 200);
  },
  contactBody,
);

deleteTeamRecordRoute(
  contactsApi,
  {
    path: "/contacts/{id}",
    tags: ["Contacts"],
    summary: "Delete a contact (admins). A recipient's own opt-out stays on the team's suppression list.",
    adminsOnly: true,
  },
  deleteContact,
);

/** A contact and their request not to be tracked; a 404 when there is no such contact or request. */
async function contactOptOut(kv: Deno.Kv, teamId: string, id: string) {
  const contact = await getContact(kv, teamId, id);
  const optOut = await findSuppression(kv, teamId, contact.email);
  if (!optOut) throw notFound("This contact hasn't asked not to be tracked.");
  return { contact, optOut };
}

const OptOutSchema = z.object({
  at: z.number().openapi({ description: "When the recipient asked, through the link in an email" }),
  source: z.literal("recipient"),
}).openapi("OptOut");

contactsApi.openapi(
  createRoute({
    method: "get",
    path: "/contacts/{id}/opt-out",
    tags: ["Contacts"],
    summary:
      "Whether the contact asked not to be tracked (the \"Don't track me\" link): 404 when they didn't",
    security,
    request: { params: IdParams },
    responses: { 200: json(OptOutSchema, "Their request"), ...errors },
  }),
  async (c) =>
    c.json((await contactOptOut(c.get("deps").kv, viewer(c).team.id, c.req.valid("param").id)).optOut, 200),
);

contactsApi.openapi(
  createRoute({
    method: "delete",
    path: "/contacts/{id}/opt-out",
    tags: ["Contacts"],
    summary:
      "Lift a contact's request not to be tracked (admins), for when they asked to be tracked again. " +
      'Their tracking preference stays "do not allow" until it is changed.',
    security,
    request: { params: IdParams },
    responses: { 204: { description: "Lifted" }, ...errors },
  }),
  async (c) => {
    requireAdmin(c);
    const { kv } = c.get("deps");
    const { team } = viewer(c);
    const { contact } = await contactOptOut(kv, team.id, c.req.valid("param").id);
    await liftSuppression(kv, team.id, contact.email);
    return c.body(null, 204);
  },
);

contactsApi.openapi(
  createRoute({
    method: "get",
    path: "/companies",
    tags: ["Companies"],
    summary: "Companies by name; `q` searches name, domain and industry",
    security,
    request: { query: PageQuery },
    responses: {
      200: json(pageOf(CompanySchema, "CompanyPage"), "A page of companies"),
      400: errors[400],
      401: errors[401],
    },
  }),
  async (c) => {
    const page = await listCompanies(c.get("deps").kv, viewer(c).team.id, c.req.valid("query"));
    return c.json({ items: page.items.map((x) => pick(CompanySchema, x)), cursor: page.cursor }, 200);
  },
);

contactsApi.openapi(
  createRoute({
    method: "post",
    path: "/companies",
    tags: ["Companies"],
    summary:
      "Create a company. Names are unique per team, ignoring case: a 409 names the company that has it",
    security,
    request: jsonBody(CompanyInput),
    responses: { 201: json(CompanySchema, "The new company"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const company = await createCompany(kv, viewer(c).team.id, c.req.valid("json"), clock.now());
    return c.json(pick(CompanySchema, company), 201);
  },
);

getTeamRecordRoute(
  contactsApi,
  { path: "/companies/{id}", tags: ["Companies"], summary: "One company", description: "The company" },
  CompanySchema,
  getCompany,
);

contactsApi.openapi(
  createRoute({
    method: "get",
    path: "/companies/{id}/contacts",
    tags: ["Companies"],
    summary: "The contacts of a company by name, a page at a time; `q` searches them as `GET /contacts` does",
    security,
    request: { params: IdParams, query: PageQuery },
    responses: {
      200: json(ContactPage, "A page of its contacts"),
      400: errors[400],
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const { kv } = c.get("deps");
    const teamId = viewer(c).team.id;
    const company = await getCompany(kv, teamId, c.req.valid("param").id);
    const page = await listContacts(kv, teamId, { ...c.req.valid("query"), companyId: company.id });
    return contactPage(c, page);
  },
);

contactsApi.openapi(
  createRoute({
    method: "patch",
    path: "/companies/{id}",
    tags: ["Companies"],
    summary: "Change some fields of a company",
    security,
    request: { params: IdParams, ...jsonBody(CompanyPatch) },
    responses: { 200: json(CompanySchema, "The updated company"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const body = await c.req.json();
    const company = await updateCompany(kv, viewer(c).team.id, c.req.valid("param").id, body, clock.now());
    return c.json(pick(CompanySchema, company), 200);
  },
);

deleteTeamRecordRoute(
  contactsApi,
  { path: "/companies/{id}", tags: ["Companies"], summary: "Delete a company that has no contacts" },
  deleteCompany,
);
