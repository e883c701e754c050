/** API: templates — the library with results and recommendations, versions, previews and the picker's fill. */
import { createRoute, z } from "@hono/zod-openapi";
import { type Library, templateLibrary } from "../../lib/templates/recommend.ts";
import type { Ranked } from "../../lib/templates/ranking.ts";
import {
  ArchiveInput,
  DuplicateInput,
  LockInput,
  PreviewInput,
  RenderInput,
  TemplateInput,
  TemplatePatch,
} from "../../lib/templates/schemas.ts";
import {
  loadSends,
  NO_RESULTS,
  OPEN_BASIS,
  OPEN_BASIS_NOTE,
  type Results,
  sendsOf,
  templateResults,
} from "../../lib/templates/stats.ts";
import {
  canEdit,
  createTemplate,
  duplicateTemplate,
  fillTemplate,
  getTemplateDetail,
  getVersion,
  listVersions,
  previewTemplate,
  setArchived,
  setLocked,
  updateTemplate,
} from "../../lib/templates/templates.ts";
import type { Template } from "../../lib/templates/types.ts";
import { viewer } from "../middleware/auth.ts";
import { apiRouter, errors, IdParams, json, jsonBody, orNull, security } from "./openapi.ts";
import { pick } from "./schemas.ts";

export const templatesApi = apiRouter();

const TemplateSchema = z.object({
  id: z.string(),
  scope: z.enum(["team", "personal"]),
  ownerId: z.string(),
  name: z.string(),
  category: z.string(),
  subject: z.string(),
  version: z.number().openapi({
    description: "The current version; every edit of name, subject or body adds one",
  }),
  locked: z.boolean().openapi({ description: "Team templates: only admins change a locked one" }),
  archivedAt: z.number().nullable(),
  duplicatedFrom: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  updatedBy: z.string(),
}).openapi("Template");

const TemplateDetailSchema = TemplateSchema.extend({
  html: z.string().openapi({
    description: "The current version's body (sanitized HTML, merge fields as written)",
  }),
}).openapi("TemplateDetail");

const ResultsSchema = z.object({
  sent: z.number().openapi({ description: "Followed copies sent from it" }),
  opened: z.number(),
  clicked: z.number(),
  replied: z.number(),
  openRate: z.number().nullable().openapi({ description: "null when nothing was sent" }),
  clickRate: z.number().nullable(),
  replyRate: z.number().nullable(),
  medianReplyMs: z.number().nullable(),
}).openapi("TemplateResults");

const RankingSchema = z.object({
  rank: z.number().openapi({ description: "1 for the best among your active templates" }),
  expected: z.number().openapi({ description: "Expected reply rate, shrunk toward the team average" }),
  low: z.number().openapi({ description: "Lower end of the 90% credible interval" }),
  high: z.number(),
  recommended: z.boolean().openapi({ description: "Starred: see docs/TEMPLATE_RECOMMENDATIONS.md" }),
  explanation: z.string().openapi({
    example: "Recommended: 27% replies over 64 sends to people in Sales roles (team average 14%)",
  }),
  level: z.object({
    kind: z.enum(["contact", "company", "title", "industry", "team"]),
    label: z.string(),
    sends: z.number(),
    replies: z.number(),
  }).openapi({ description: "The evidence used: the closest level with enough sends" }),
}).openapi("TemplateRanking");

const ListItemSchema = TemplateSchema.extend({
  results: ResultsSchema,
  ranking: orNull(RankingSchema).openapi({ description: "null for archived templates" }),
  canEdit: z.boolean(),
}).openapi("TemplateListItem");

const TargetSchema = z.object({
  contactId: z.string().nullable(),
  contactName: z.string(),
  companyName: z.string(),
  role: z.string().nullable(),
  industry: z.string(),
}).openapi("TemplateTarget");

const LibrarySchema = z.object({
  items: z.array(ListItemSchema),
  teamAverage: z.number().openapi({ description: "The team's reply rate the estimates are shrunk toward" }),
  teamAverageNote: z.string().openapi({ description: "What the team average is made of, in words" }),
  target: TargetSchema.openapi({
    description: "Who the ranking is for (all null/empty: the team level only)",
  }),
  categories: z.array(z.string()),
  openBasis: z.enum(["human"]).openapi({
    description: "How opens and clicks are counted: every non-prefetch one until human verdicts are wired",
  }),
  openBasisNote: z.string(),
}).openapi("TemplateLibrary");

const RenderedSchema = z.object({
  subject: z.string(),
  html: z.string(),
  missing: z.array(z.string()).openapi({
    description: "Fields with no value and no fallback (left as written); don't send until it is empty",
  }),
  errors: z.array(z.string()),
});

const FilledSchema = RenderedSchema.extend({
  template: z.object({ id: z.string(), version: z.number() }).openapi({
    description: "Save this as the draft's `template`",
  }),
  recipient: z.object({ contactId: z.string().nullable(), email: z.string(), name: z.string() }).nullable(),
}).openapi("TemplateFilled");

const PreviewSchema = RenderedSchema.extend({ version: z.number().nullable() }).openapi("TemplatePreview");

const VersionSchema = z.object({
  version: z.number(),
  name: z.string(),
  subject: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
}).openapi("TemplateVersion");

const TemplatePageSchema = TemplateDetailSchema.extend({
  versions: z.array(VersionSchema),
  results: z.object({
    overall: ResultsSchema,
    versions: z.array(ResultsSchema.extend({ version: z.number() })),
  }),
  canEdit: z.boolean(),
  openBasisNote: z.string(),
}).openapi("TemplateWithResults");

const results = (r: Results) => pick(ResultsSchema, r);

function ranking(ranked: Ranked, rank: number) {
  return {
    rank,
    expected: ranked.expected,
    low: ranked.low,
    high: ranked.high,
    recommended: ranked.recommended,
    explanation: ranked.explanation,
    level: {
      kind: ranked.level.kind,
      label: ranked.level.label,
      sends: ranked.level.outcome.sends,
      replies: ranked.level.outcome.replies,
    },
  };
}

export function libraryJson(library: Library) {
  return {
    items: library.items.map((item) => ({
      ...pick(TemplateSchema, item.template),
      results: results(item.results?.overall ?? NO_RESULTS),
      ranking: item.ranked && ranking(item.ranked, item.rank!),
      canEdit: item.canEdit,
    })),
    teamAverage: library.teamAverage,
    teamAverageNote: library.teamAverageNote,
    target: pick(TargetSchema, library.target),
    categories: library.categories,
    openBasis: OPEN_BASIS,
    openBasisNote: OPEN_BASIS_NOTE,
  };
}

const detail = (t: Template & { html: string }) => pick(TemplateDetailSchema, t);

templatesApi.openapi(
  createRoute({
    method: "get",
    path: "/templates",
    tags: ["Templates"],
    summary: "Your templates with their results; ranked for a draft (`for`) or a contact (`contactId`)",
    description:
      "Team templates and your personal ones. Every template carries its ranking (expected reply " +
      "rate, credible interval, whether it is starred, and the evidence used); with `for` or `contactId` the " +
      "ranking prefers evidence close to that person. Sorted by name, or by rank with `sort=recommended` " +
      "(the default when `for` or `contactId` is given).",
    security,
    request: {
      query: z.object({
        q: z.string().optional().openapi({ description: "Searches name, category and subject" }),
        category: z.string().optional(),
        scope: z.enum(["team", "personal"]).optional(),
        archived: z.enum(["false", "true", "all"]).default("false"),
        for: z.string().optional().openapi({ description: "A draft's id: rank for its recipient" }),
        contactId: z.string().optional().openapi({ description: "Rank for this contact" }),
        sort: z.enum(["name", "recommended"]).optional(),
      }),
    },
    responses: {
      200: json(LibrarySchema, "The library"),
      400: errors[400],
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const library = await templateLibrary(c.get("deps").kv, viewer(c), {
      q: q.q,
      category: q.category,
      scope: q.scope,
      archived: q.archived === "all" ? "all" : q.archived === "true",
    }, {
      messageId: q.for,
      contactId: q.contactId,
      sort: q.sort ?? (q.for || q.contactId ? "recommended" : "name"),
    });
    return c.json(libraryJson(library), 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates",
    tags: ["Templates"],
    summary: "Create a template (version 1)",
    description: "Merge-field mistakes (an unknown field, `{{}}`, an unclosed `{{`…) are 400s naming " +
      "`subject` or `html`.",
    security,
    request: jsonBody(TemplateInput),
    responses: { 201: json(TemplateDetailSchema, "The new template"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const template = await createTemplate(kv, viewer(c), await c.req.json(), clock.now());
    return c.json(detail(template), 201);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates/preview",
    tags: ["Templates"],
    summary: "Preview an unsaved template for a contact",
    security,
    request: jsonBody(PreviewInput),
    responses: { 200: json(PreviewSchema, "Filled in"), ...errors },
  }),
  async (c) => {
    const preview = await previewTemplate(c.get("deps").kv, viewer(c), null, await c.req.json());
    return c.json(pick(PreviewSchema, preview), 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "get",
    path: "/templates/{id}",
    tags: ["Templates"],
    summary: "A template with its versions and its results, overall and per version",
    security,
    request: { params: IdParams },
    responses: { 200: json(TemplatePageSchema, "The template"), 401: errors[401], 404: errors[404] },
  }),
  async (c) => {
    const { kv } = c.get("deps");
    const v = viewer(c);
    const id = c.req.valid("param").id;
    const template = await getTemplateDetail(kv, v, id);
    const [versions, sends] = await Promise.all([listVersions(kv, v, id), loadSends(kv, v.team.id)]);
    const r = templateResults(sendsOf(sends, id));
    return c.json({
      ...detail(template),
      versions: versions.map((x) => pick(VersionSchema, x)),
      results: {
        overall: results(r.overall),
        versions: r.versions.map((x) => ({ ...results(x), version: x.version })),
      },
      canEdit: canEdit(template, v.user),
      openBasisNote: OPEN_BASIS_NOTE,
    }, 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "patch",
    path: "/templates/{id}",
    tags: ["Templates"],
    summary: "Change a template; a new name, subject or body becomes the next version",
    security,
    request: { params: IdParams, ...jsonBody(TemplatePatch) },
    responses: { 200: json(TemplateDetailSchema, "The template"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const template = await updateTemplate(
      kv,
      viewer(c),
      c.req.valid("param").id,
      await c.req.json(),
      clock.now(),
    );
    return c.json(detail(template), 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "get",
    path: "/templates/{id}/versions/{version}",
    tags: ["Templates"],
    summary: "One version as it was written",
    security,
    request: {
      params: IdParams.extend({
        version: z.coerce.number().int().positive().openapi({ param: { name: "version", in: "path" } }),
      }),
    },
    responses: {
      200: json(VersionSchema.extend({ html: z.string() }).openapi("TemplateVersionDetail"), "The version"),
      400: errors[400],
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const { id, version } = c.req.valid("param");
    const found = await getVersion(c.get("deps").kv, viewer(c), id, version);
    return c.json({ ...pick(VersionSchema, found), html: found.html }, 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates/{id}/duplicate",
    tags: ["Templates"],
    summary: "Copy a template (its current version) as a new one of yours, unlocked",
    security,
    request: { params: IdParams, body: { content: { "application/json": { schema: DuplicateInput } } } },
    responses: { 201: json(TemplateDetailSchema, "The copy"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const body = await c.req.json().catch(() => ({}));
    const copy = await duplicateTemplate(kv, viewer(c), c.req.valid("param").id, body, clock.now());
    return c.json(detail(copy), 201);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates/{id}/archive",
    tags: ["Templates"],
    summary: "Archive (or restore) a template: archived ones are not offered in the picker",
    security,
    request: { params: IdParams, ...jsonBody(ArchiveInput) },
    responses: { 200: json(TemplateSchema, "The template"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const t = await setArchived(kv, viewer(c), c.req.valid("param").id, c.req.valid("json"), clock.now());
    return c.json(pick(TemplateSchema, t), 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates/{id}/lock",
    tags: ["Templates"],
    summary: "Lock (or unlock) a team template: admins only; a locked template is changed by admins only",
    security,
    request: { params: IdParams, ...jsonBody(LockInput) },
    responses: { 200: json(TemplateSchema, "The template"), ...errors },
  }),
  async (c) => {
    const { kv, clock } = c.get("deps");
    const t = await setLocked(kv, viewer(c), c.req.valid("param").id, c.req.valid("json"), clock.now());
    return c.json(pick(TemplateSchema, t), 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates/{id}/preview",
    tags: ["Templates"],
    summary: "Preview a template (or an older version, or unsaved changes) filled in for a contact",
    description: "With no `contactId`, contact fields show their fallbacks; fields without one are listed " +
      "in `missing` and left as written.",
    security,
    request: { params: IdParams, ...jsonBody(PreviewInput) },
    responses: { 200: json(PreviewSchema, "Filled in"), ...errors },
  }),
  async (c) => {
    const preview = await previewTemplate(
      c.get("deps").kv,
      viewer(c),
      c.req.valid("param").id,
      await c.req.json(),
    );
    return c.json(pick(PreviewSchema, preview), 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/templates/{id}/render",
    tags: ["Templates"],
    summary: "Fill a template in for a draft's recipient (or a contact), with you as the sender",
    description: "What the picker inserts into the composer. Save `template` with the draft so its results " +
      "count for this template and version. Refuse to send while `missing` or `errors` is not empty.",
    security,
    request: { params: IdParams, ...jsonBody(RenderInput) },
    responses: { 200: json(FilledSchema, "Filled in"), ...errors },
  }),
  async (c) => {
    const filled = await fillTemplate(
      c.get("deps").kv,
      viewer(c),
      c.req.valid("param").id,
      await c.req.json(),
    );
    return c.json(pick(FilledSchema, filled), 200);
  },
);
