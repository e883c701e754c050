/**
 * Template pages: the library (results, filters), a template's page (results overall, per version and over
 * time, its content filled in for a contact), the editor, and the picker on its own for a contact or a draft.
 */
import { type Context, Hono } from "hono";
import { Fragment } from "preact";
import { Icon } from "../../components/icons.tsx";
import { island } from "../../components/island.ts";
import {
  Badge,
  DataTable,
  EmptyState,
  Form,
  NewButton,
  PageHeader,
  SearchInput,
} from "../../components/ui.tsx";
import TemplateEditor from "../../islands/template_editor.tsx";
import TemplatePicker from "../../islands/template_picker.tsx";
import { userNames } from "../../lib/accounts/users.ts";
import { companyNameMap, listContacts } from "../../lib/contacts/contacts.ts";
import { contactLabel } from "../../lib/contacts/types.ts";
import { AppError } from "../../lib/http/errors.ts";
import { getMessage } from "../../lib/messages/drafts.ts";
import { type LibraryItem, templateLibrary } from "../../lib/templates/recommend.ts";
import {
  type Bucket,
  type BucketSize,
  loadSends,
  OPEN_BASIS_NOTE,
  type Results,
  resultsOverTime,
  sendsOf,
  templateResults,
} from "../../lib/templates/stats.ts";
import {
  canEdit,
  duplicateTemplate,
  getTemplateDetail,
  getVersion,
  listVersions,
  previewTemplate,
  setArchived,
  setLocked,
} from "../../lib/templates/templates.ts";
import { DEFAULT_CATEGORIES, type Template } from "../../lib/templates/types.ts";
import { MISSING_ADVICE, missingNote } from "../../lib/templates/merge.ts";
import { formatDate, formatDuration } from "../../lib/time/format.ts";
import { libraryJson } from "../api/templates.ts";
import type { AppEnv } from "../deps.ts";
import { formFields } from "../form.ts";
import { viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { EmailFrame } from "./email_frame.tsx";

export const templatePages = new Hono<AppEnv>();

const pct = (x: number | null) => x === null ? "—" : `${Math.round(x * 100)}%`;
const duration = (ms: number | null) => ms === null ? "—" : formatDuration(ms);

function ScopeBadges({ template }: { template: Template }) {
  return (
    <>
      {template.scope === "personal" ? <Badge tone="blue">Personal</Badge> : <Badge tone="grey">Team</Badge>}
      {template.locked && (
        <Badge tone="amber" title="Only admins can change it">
          Locked
        </Badge>
      )}
      {template.archivedAt !== null && <Badge tone="grey">Archived</Badge>}
    </>
  );
}

/** Contacts for choosers: the first 200 by name, with their company. */
async function contactOptions(kv: Deno.Kv, teamId: string) {
  const [page, companies] = await Promise.all([
    listContacts(kv, teamId, { limit: 200 }),
    companyNameMap(kv, teamId),
  ]);
  return page.items.map((c) => ({
    id: c.id,
    label: [contactLabel(c), companies.get(c.companyId ?? "")].filter(Boolean).join(" · "),
  }));
}

function ContactChooser(
  { action, name, value, options, label, button, hidden = {}, class: className = "" }: {
    class?: string;
    action: string;
    name: string;
    value: string;
    options: { id: string; label: string }[];
    label: string;
    button: string;
    hidden?: Record<string, string>;
  },
) {
  return (
    <form method="get" action={action} class={`contact-chooser ${className}`.trim()}>
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <label for={`chooser-${name}`}>{label}</label>
      <select id={`chooser-${name}`} name={name}>
        <option value="">Choose a contact…</option>
        {options.map((o) => <option key={o.id} value={o.id} selected={o.id === value}>{o.label}</option>)}
      </select>
      <button class="button button-secondary button-small" type="submit">{button}</button>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Library

const SCOPES = [
  { value: "", label: "All" },
  { value: "team", label: "Team" },
  { value: "personal", label: "Personal" },
  { value: "archived", label: "Archived" },
] as const;

/** The header cells over a template's results: sent, then open, click and reply rates, and time to reply. */
function ResultHeads() {
  return (
    <>
      <th class="num">Sent</th>
      <th class="num hide-sm">Opens</th>
      <th class="num hide-sm">Clicks</th>
      <th class="num">Replies</th>
      <th class="num hide-sm">Median reply</th>
    </>
  );
}

/** A row's cells under ResultHeads (none sent yet when there are no results). */
function ResultCells({ r }: { r?: Results }) {
  return (
    <>
      <td class="num">{r?.sent ?? 0}</td>
      <td class="num hide-sm">{pct(r?.openRate ?? null)}</td>
      <td class="num hide-sm">{pct(r?.clickRate ?? null)}</td>
      <td class="num">{pct(r?.replyRate ?? null)}</td>
      <td class="num hide-sm">{duration(r?.medianReplyMs ?? null)}</td>
    </>
  );
}

function LibraryTable({ items }: { items: LibraryItem[] }) {
  return (
    <DataTable
      class="template-table"
      head={
        <>
          <th>Template</th>
          <ResultHeads />
        </>
      }
    >
      {items.map(({ template, results, ranked }) => (
        <tr data-template-id={template.id}>
          <td class="template-cell">
            <div class="template-cell-title">
              <a class="row-link" href={`/templates/${template.id}`}>{template.name}</a>
              {ranked?.recommended && (
                <span class="picker-star" title={ranked.explanation}>
                  <span aria-hidden="true">★</span> Recommended
                </span>
              )}
              {template.category && <Badge tone="grey">{template.category}</Badge>}
              {template.scope === "personal" && <Badge tone="blue">Personal</Badge>}
              {template.locked && <Badge tone="amber">Locked</Badge>}
            </div>
            <div class="muted small truncate-line template-subject">{template.subject}</div>
            {ranked && <div class="muted small template-why">{ranked.explanation}</div>}
          </td>
          <ResultCells r={results?.overall} />
        </tr>
      ))}
    </DataTable>
  );
}

templatePages.get("/templates", async (c) => {
  const { kv } = c.get("deps");
  const v = viewer(c);
  const q = c.req.query("q") ?? "";
  const category = c.req.query("category") ?? "";
  const scope = SCOPES.find((s) => s.value === c.req.query("scope"))?.value ?? "";
  const [library, contacts] = await Promise.all([
    templateLibrary(kv, v, {
      q,
      category,
      scope: scope === "team" || scope === "personal" ? scope : undefined,
      archived: scope === "archived",
    }, { sort: "name" }),
    contactOptions(kv, v.team.id),
  ]);
  const link = (s: string) => {
    const params = new URLSearchParams({
      ...(q && { q }),
      ...(category && { category }),
      ...(s && { scope: s }),
    });
    return `/templates${params.size ? `?${params}` : ""}`;
  };
  const filtered = q || category || scope;
  return render(
    c,
    { title: "Templates" },
    <>
      <PageHeader
        title="Templates"
        subtitle="Emails your team reuses, and how each one does."
        actions={<NewButton href="/templates/new">New template</NewButton>}
      />
      <section class="card recommend-card" aria-labelledby="recommend-title">
        <div>
          <h2 id="recommend-title" class="card-title">Which template for whom?</h2>
          <p class="muted small">
            See your templates ranked for one person, by expected reply rate and the evidence closest to them.
          </p>
        </div>
        <ContactChooser
          action="/templates/pick"
          name="contact"
          value=""
          options={contacts}
          label="Recommended for"
          button="Show"
        />
      </section>
      <div class="filters">
        <nav class="segmented" aria-label="Scope">
          {SCOPES.map((s) => (
            <a href={link(s.value)} aria-current={s.value === scope ? "page" : undefined}>{s.label}</a>
          ))}
        </nav>
        <form method="get" class="filter-form template-filter" role="search">
          {scope && <input type="hidden" name="scope" value={scope} />}
          <label class="sr-only" for="template-q">Search templates</label>
          <SearchInput id="template-q" q={q} placeholder="Search templates" />
          <label class="sr-only" for="template-category-filter">Category</label>
          <select id="template-category-filter" name="category">
            <option value="">All categories</option>
            {library.categories.map((cat) => (
              <option key={cat} value={cat} selected={cat === category}>{cat}</option>
            ))}
          </select>
          <button class="button button-secondary button-small" type="submit">Filter</button>
        </form>
      </div>
      {library.items.length === 0
        ? filtered
          ? (
            <EmptyState icon="search" title="No templates match">
              <a href="/templates">Show all templates</a>
            </EmptyState>
          )
          : (
            <EmptyState
              icon="template"
              title="No templates yet"
              action={<a class="button button-primary" href="/templates/new">Create your first template</a>}
            >
              Save the emails you send again and again, with fields like {"{{contact.first_name}}"}{" "}
              filled in for each person. Beacon then shows which ones get replies.
            </EmptyState>
          )
        : <LibraryTable items={library.items} />}
      <p class="muted small footnote">
        Rates are over followed emails sent from each template. {library.teamAverageNote} {OPEN_BASIS_NOTE}
      </p>
    </>,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// The picker on its own

templatePages.get("/templates/pick", async (c) => {
  const { kv } = c.get("deps");
  const v = viewer(c);
  const messageId = c.req.query("message") || undefined;
  const contactId = messageId ? undefined : c.req.query("contact") || undefined;
  const message = messageId ? await getMessage(kv, v.team.id, messageId) : null;
  const [library, contacts] = await Promise.all([
    templateLibrary(kv, v, {}, { messageId, contactId, sort: "recommended" }),
    contactOptions(kv, v.team.id),
  ]);
  const who = library.target.contactName;
  return render(
    c,
    { title: "Choose a template" },
    <>
      <PageHeader
        title={who ? `Templates for ${who}` : "Choose a template"}
        subtitle={who
          ? [library.contact?.title, library.company && `at ${library.company.name}`].filter(Boolean).join(
            " ",
          ) ||
            undefined
          : "Pick a contact to rank templates by what worked with people like them."}
        back={message ? { href: `/compose/${message.id}`, label: "Back to the draft" } : {
          href: "/templates",
          label: "Templates",
        }}
      />
      {!message && (
        <ContactChooser
          class="pick-chooser"
          action="/templates/pick"
          name="contact"
          value={contactId ?? ""}
          options={contacts}
          label="Recommended for"
          button="Show"
        />
      )}
      <div class="card picker-card">
        {island(TemplatePicker, { messageId, contactId, initial: libraryJson(library) })}
      </div>
    </>,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Editor

async function editorPage(
  c: Context<AppEnv>,
  template: Template & { html: string } | null,
) {
  const { kv } = c.get("deps");
  const v = viewer(c);
  const [library, contacts] = await Promise.all([
    templateLibrary(kv, v, { archived: "all" }),
    contactOptions(kv, v.team.id),
  ]);
  const categories = [...new Set([...library.categories, ...DEFAULT_CATEGORIES])];
  const back = template ? `/templates/${template.id}` : "/templates";
  const previewContactId = contacts[0]?.id ?? null;
  // The preview comes filled in with the page, as the API would fill it in for the text being edited.
  const preview = template &&
    await previewTemplate(kv, v, null, {
      contactId: previewContactId,
      subject: template.subject,
      html: template.html,
    });
  return render(
    c,
    { title: template ? `Edit ${template.name}` : "New template" },
    <>
      <PageHeader
        title={template ? `Edit “${template.name}”` : "New template"}
        back={{ href: back, label: template ? template.name : "Templates" }}
      />
      {island(TemplateEditor, {
        template: template && {
          id: template.id,
          name: template.name,
          category: template.category,
          scope: template.scope,
          subject: template.subject,
          html: template.html,
          version: template.version,
          locked: template.locked,
        },
        categories,
        contacts,
        previewContactId,
        preview: preview &&
          { subject: preview.subject, html: preview.html, missing: preview.missing, errors: preview.errors },
        back,
      })}
    </>,
  );
}

templatePages.get("/templates/new", (c) => editorPage(c, null));

templatePages.get("/templates/:id/edit", async (c) => {
  const v = viewer(c);
  const template = await getTemplateDetail(c.get("deps").kv, v, c.req.param("id"));
  if (!canEdit(template, v.user)) {
    throw new AppError(403, "forbidden", "This template is locked: only team admins can change it.");
  }
  return editorPage(c, template);
});

// ---------------------------------------------------------------------------------------------------------------
// A template's page

const LABEL_FORMATS: Record<BucketSize, Intl.DateTimeFormatOptions> = {
  day: { day: "numeric", month: "short" },
  week: { day: "numeric", month: "short" },
  month: { month: "short", year: "numeric" },
};

function bucketLabel(b: Bucket, size: BucketSize) {
  return new Intl.DateTimeFormat("en-GB", { ...LABEL_FORMATS[size], timeZone: "UTC" }).format(b.start);
}

/**
 * Sent per period (bars) with open and reply rates (lines), as an inline SVG; a table says the same for screen
 * readers. Drawn twice, wide and narrow, so its text stays readable on a phone (CSS shows one).
 */
function ResultsChart({ buckets, size }: { buckets: Bucket[]; size: BucketSize }) {
  const unit = size === "day" ? "day" : size === "week" ? "week" : "month";
  return (
    <figure class="chart">
      <ChartSvg buckets={buckets} size={size} width={640} height={230} labels={8} class="chart-wide" />
      <ChartSvg buckets={buckets} size={size} width={340} height={210} labels={4} class="chart-narrow" />
      <figcaption class="chart-legend small">
        <span class="legend legend-bar">Sent per {unit}</span>
        <span class="legend legend-open">Open rate</span>
        <span class="legend legend-reply">Reply rate</span>
      </figcaption>
      <table class="sr-only">
        <caption>Results per {unit}</caption>
        <thead>
          <tr>
            <th>{unit}</th>
            <th>Sent</th>
            <th>Open rate</th>
            <th>Reply rate</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.start}>
              <td>{bucketLabel(b, size)}</td>
              <td>{b.sent}</td>
              <td>{pct(b.openRate)}</td>
              <td>{pct(b.replyRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function ChartSvg(
  { buckets, size, width, height, labels, class: className }: {
    buckets: Bucket[];
    size: BucketSize;
    width: number;
    height: number;
    labels: number;
    class: string;
  },
) {
  const W = width, H = height, L = 40, R = 34, T = 14, B = 30;
  const plotH = H - T - B;
  const slot = (W - L - R) / buckets.length;
  const maxSent = Math.max(1, ...buckets.map((b) => b.sent));
  const x = (i: number) => L + slot * i + slot / 2;
  const y = (rate: number) => T + (1 - rate) * plotH;
  const line = (key: "openRate" | "replyRate") => {
    const parts: string[] = [];
    let pen = "M";
    buckets.forEach((b, i) => {
      const v = b[key];
      if (v === null) {
        pen = "M";
        return;
      }
      parts.push(`${pen}${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      pen = "L";
    });
    return parts.join(" ");
  };
  const every = Math.max(1, Math.ceil(buckets.length / labels));
  const barW = Math.min(28, slot * 0.6);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      class={`chart-svg ${className}`}
      aria-hidden="true"
      preserveAspectRatio="xMidYMid meet"
    >
      {[0, 0.25, 0.5, 0.75, 1].map((g) => (
        <Fragment key={g}>
          <line x1={L} x2={W - R} y1={y(g)} y2={y(g)} class="chart-grid" />
          <text x={L - 6} y={y(g) + 4} class="chart-axis" text-anchor="end">{Math.round(g * 100)}%</text>
        </Fragment>
      ))}
      <text x={W - R + 6} y={T + 4} class="chart-axis">{maxSent}</text>
      <text x={W - R + 6} y={T + 17} class="chart-axis">sent</text>
      {buckets.map((b, i) => {
        const h = (b.sent / maxSent) * plotH;
        return (
          <rect
            key={b.start}
            x={x(i) - barW / 2}
            y={T + plotH - h}
            width={barW}
            height={h}
            rx="2"
            class="chart-bar"
          >
            <title>
              {`${bucketLabel(b, size)}: ${b.sent} sent, ${pct(b.openRate)} opened, ${
                pct(b.replyRate)
              } replied`}
            </title>
          </rect>
        );
      })}
      <path d={line("openRate")} class="chart-line chart-open" />
      <path d={line("replyRate")} class="chart-line chart-reply" />
      {buckets.map((b, i) => (
        <Fragment key={b.start}>
          {b.openRate !== null && <circle cx={x(i)} cy={y(b.openRate)} r="3" class="chart-dot chart-open" />}
          {b.replyRate !== null && (
            <circle cx={x(i)} cy={y(b.replyRate)} r="3.5" class="chart-dot chart-reply" />
          )}
        </Fragment>
      ))}
      {buckets.map((b, i) =>
        i % every === 0 && (
          <text key={b.start} x={x(i)} y={H - 10} class="chart-axis" text-anchor="middle">
            {bucketLabel(b, size)}
          </text>
        )
      )}
    </svg>
  );
}

function Kpis({ r }: { r: Results }) {
  const items: [string, string, string][] = [
    ["Sent", String(r.sent), "sent"],
    ["Open rate", pct(r.openRate), "open"],
    ["Click rate", pct(r.clickRate), "click"],
    ["Reply rate", pct(r.replyRate), "reply"],
    ["Median time to reply", duration(r.medianReplyMs), "median"],
  ];
  return (
    <div class="kpis template-kpis">
      {items.map(([label, value, key]) => (
        <div class="kpi" data-kpi={key}>
          <div class={`kpi-value${value.length > 6 ? " kpi-value-text" : ""}`}>{value}</div>
          <div class="kpi-label">{label}</div>
        </div>
      ))}
    </div>
  );
}

templatePages.get("/templates/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const v = viewer(c);
  const id = c.req.param("id");
  const template = await getTemplateDetail(kv, v, id);
  const [versions, sends, contacts] = await Promise.all([
    listVersions(kv, v, id),
    loadSends(kv, v.team.id),
    contactOptions(kv, v.team.id),
  ]);
  const mine = sendsOf(sends, id);
  const results = templateResults(mine);
  const chart = resultsOverTime(mine, clock.now());
  const names = await userNames(kv, [...new Set(versions.map((x) => x.createdBy))]);
  const zone = v.user.timeZone;

  const asked = Number(c.req.query("version"));
  const shownVersion = Number.isInteger(asked) && asked >= 1 && asked <= template.version
    ? asked
    : template.version;
  const previewFor = c.req.query("preview") ?? "";
  const shown = shownVersion === template.version ? template : await getVersion(kv, v, id, shownVersion);
  const filled = previewFor
    ? await previewTemplate(kv, v, id, { contactId: previewFor, version: shownVersion })
    : null;
  const editable = canEdit(template, v.user);
  const admin = v.user.role === "admin";
  const byVersion = new Map(results.versions.map((r) => [r.version, r]));

  return render(
    c,
    { title: template.name },
    <>
      <PageHeader
        title={template.name}
        subtitle={
          <span class="template-subtitle">
            {template.category && <span>{template.category} ·</span>}
            <span>Version {template.version}</span>
            <ScopeBadges template={template} />
          </span>
        }
        back={{ href: "/templates", label: "Templates" }}
        actions={
          <>
            {editable && template.archivedAt === null && (
              <a class="button button-primary" href={`/templates/${id}/edit`}>Edit</a>
            )}
            <Form action={`/templates/${id}/duplicate`} class="action-form">
              <button class="button button-secondary" type="submit">
                <Icon name="copy" /> Duplicate
              </button>
            </Form>
            {editable && (
              <Form action={`/templates/${id}/archive`} class="action-form">
                <input
                  type="hidden"
                  name="archived"
                  value={template.archivedAt === null ? "true" : "false"}
                />
                <button class="button button-secondary" type="submit">
                  {template.archivedAt === null ? "Archive" : "Restore"}
                </button>
              </Form>
            )}
            {admin && template.scope === "team" && (
              <Form action={`/templates/${id}/lock`} class="action-form">
                <input type="hidden" name="locked" value={template.locked ? "false" : "true"} />
                <button class="button button-secondary" type="submit">
                  {template.locked ? "Unlock" : "Lock"}
                </button>
              </Form>
            )}
          </>
        }
      />
      {template.locked && !editable && (
        <p class="alert alert-info">
          An admin locked this template: you can use and duplicate it, not change it.
        </p>
      )}
      <section class="card" aria-labelledby="results-title">
        <h2 id="results-title" class="card-title">Results</h2>
        <Kpis r={results.overall} />
        {chart.buckets.length > 0
          ? <ResultsChart buckets={chart.buckets} size={chart.size} />
          : (
            <p class="muted">
              No followed emails were sent from this template yet. Its results appear here once they are.
            </p>
          )}
        <p class="muted small footnote">
          Over followed emails only (one per copy); median time to reply is from sending to the first reply.
          {" "}
          {OPEN_BASIS_NOTE}
        </p>
      </section>

      <section class="card" aria-labelledby="versions-title">
        <h2 id="versions-title" class="card-title">Versions</h2>
        <DataTable
          class="table-compact version-table"
          head={
            <>
              <th>Version</th>
              <th class="hide-sm">Subject</th>
              <ResultHeads />
            </>
          }
        >
          {[...versions].reverse().map((ver) => (
            <tr
              data-version={ver.version}
              aria-current={ver.version === shownVersion ? "true" : undefined}
            >
              <td>
                <a href={`/templates/${id}?version=${ver.version}#content`}>
                  Version {ver.version}
                </a>
                {ver.version === template.version && <span class="muted small current-tag">(current)</span>}
                <div class="muted small">
                  {formatDate(ver.createdAt, zone)} · {names[ver.createdBy] ?? "a former member"}
                </div>
              </td>
              <td class="hide-sm truncate-cell">{ver.subject}</td>
              <ResultCells r={byVersion.get(ver.version)} />
            </tr>
          ))}
          <tr class="total-row">
            <td>All versions</td>
            <td class="hide-sm" />
            <ResultCells r={results.overall} />
          </tr>
        </DataTable>
      </section>

      <section class="card" id="content" aria-labelledby="content-title">
        <div class="template-content-head">
          <h2 id="content-title" class="card-title">
            Version {shownVersion}
            {shownVersion !== template.version && <span class="muted">(an older version)</span>}
          </h2>
          <ContactChooser
            action={`/templates/${id}#content`}
            name="preview"
            value={previewFor}
            options={contacts}
            label="Fill in for"
            button="Preview"
            hidden={shownVersion !== template.version ? { version: String(shownVersion) } : {}}
          />
        </div>
        <p class="template-preview-subject">
          <span class="muted">Subject:</span> {filled ? filled.subject : shown.subject}
        </p>
        {filled && filled.missing.length > 0 && (
          <p class="alert alert-info small">
            {missingNote("this contact")}
            {filled.missing.map((f) => `{{${f}}}`).join(", ")}
            {MISSING_ADVICE}
          </p>
        )}
        <EmailFrame
          as="preview"
          title={`Version ${shownVersion} of the template`}
          html={filled ? filled.html : shown.html}
        />
      </section>
    </>,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Actions (form posts)

templatePages.post("/templates/:id/duplicate", async (c) => {
  const { kv, clock } = c.get("deps");
  const copy = await duplicateTemplate(kv, viewer(c), c.req.param("id"), {}, clock.now());
  return redirectWithFlash(c, `/templates/${copy.id}/edit`, {
    kind: "success",
    text: `Duplicated as “${copy.name}”.`,
  });
});

templatePages.post("/templates/:id/archive", async (c) => {
  const { kv, clock } = c.get("deps");
  const archived = (await formFields(c)).archived === "true";
  const t = await setArchived(kv, viewer(c), c.req.param("id"), { archived }, clock.now());
  return redirectWithFlash(c, `/templates/${t.id}`, {
    kind: "success",
    text: archived ? "Archived: it is no longer offered when writing emails." : "Restored.",
  });
});

templatePages.post("/templates/:id/lock", async (c) => {
  const { kv, clock } = c.get("deps");
  const locked = (await formFields(c)).locked === "true";
  const t = await setLocked(kv, viewer(c), c.req.param("id"), { locked }, clock.now());
  return redirectWithFlash(c, `/templates/${t.id}`, {
    kind: "success",
    text: locked ? "Locked: only admins can change it now." : "Unlocked.",
  });
});
