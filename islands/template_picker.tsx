/// <reference lib="dom" />
/**
 * The template picker: the team's and your templates ranked for the email being written, with their reply and
 * open rates, the star and the reason for it; search and categories; "Use" fills the template in for the
 * draft's recipient (POST /api/templates/{id}/render).
 *
 * Two ways to use it:
 * - embedded (the composer): `import { TemplatePicker } from "./template_picker.tsx"` and render
 *   `<TemplatePicker messageId={draftId} onPick={(filled) => …} />`. `onPick` gets the filled subject and HTML
 *   and the `template` reference ({ id, version }) to save with the draft.
 * - standalone (this island's default export, e.g. /templates/pick): picking writes the draft itself — the given
 *   draft (`messageId`), or a new one to the contact — and opens it in the composer.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../lib/browser/api.ts";
import { useReturnFocus } from "../lib/browser/return_focus.ts";
import { showToast } from "../lib/browser/toast.ts";
import type { PickerData, PickerItem } from "../lib/templates/types.ts";
import { MISSING_ADVICE, missingNote } from "../lib/templates/merge.ts";

/** What `onPick` receives. */
export interface PickedTemplate {
  subject: string;
  html: string;
  template: { id: string; version: number };
  /** The template's name (the composer shows "From template: <name> v<version>"). */
  name: string;
  /** Fields that had no value and no fallback: left as written (`{{contact.company}}`); the seller fixes them. */
  missing: string[];
  /** Who contact fields were filled from (null: a shared copy, or no recipient yet). */
  recipient: { contactId: string | null; email: string; name: string } | null;
}

export interface TemplatePickerProps {
  /** The draft being written: the ranking and the filling use its recipient. */
  messageId?: string;
  /** Or the contact it is for. */
  contactId?: string;
  /** Called with the filled template; the picker shows "Inserting…" until it settles. */
  onPick?(filled: PickedTemplate): void | Promise<void>;
  /** The list as the server rendered it (standalone pages); otherwise the picker loads it. */
  initial?: PickerData | null;
}

const pct = (x: number | null) => x === null ? "—" : `${Math.round(x * 100)}%`;

const fold = (text: string) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

function matches(item: PickerItem, q: string, category: string) {
  if (category && fold(item.category) !== fold(category)) return false;
  const needle = fold(q.trim());
  return !needle || fold(`${item.name} ${item.category} ${item.subject}`).includes(needle);
}

function rates(item: PickerItem): string {
  const r = item.results;
  if (r.sent === 0) return "Not sent yet";
  return `Replies ${pct(r.replyRate)} · Opens ${pct(r.openRate)} · ${r.sent} sent`;
}

function query(p: TemplatePickerProps) {
  const params = new URLSearchParams({ sort: "recommended" });
  if (p.messageId) params.set("for", p.messageId);
  else if (p.contactId) params.set("contactId", p.contactId);
  return `/templates?${params}`;
}

export function TemplatePicker(p: TemplatePickerProps) {
  const [data, setData] = useState<PickerData | null>(p.initial ?? null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [q, setQ] = useState("");
  const [category, setCategory] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [pending, setPending] = useState<{ item: PickerItem; filled: PickedTemplate } | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  /** Each template's "Use" button, by template id: the focus comes back to it when its question is cancelled. */
  const useButtons = useRef(new Map<string, HTMLButtonElement>());
  const focus = useReturnFocus();
  /** Rendered on the server with its templates, the picker answers keys and clicks only once hydrated. */
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  const load = () => {
    setLoadError(null);
    api<PickerData>("GET", query(p)).then(setData).catch((e: Error) => setLoadError(e.message));
  };
  useEffect(() => {
    if (!p.initial) load();
  }, [p.messageId, p.contactId]);
  // The question about missing fields takes the focus as it renders, so a key pressed meanwhile lands in it.
  useLayoutEffect(() => {
    if (pending) confirmRef.current?.focus();
  }, [pending]);

  function cancel() {
    const id = pending?.item.id;
    setPending(null);
    setBusy(null);
    focus.restore(() => id ? useButtons.current.get(id) : null);
  }

  async function finish(filled: PickedTemplate) {
    try {
      await p.onPick?.(filled);
    } catch (error) {
      showToast({ kind: "error", text: `Couldn't use the template: ${(error as Error).message}` });
    } finally {
      setBusy(null);
      setPending(null);
    }
  }

  async function use(item: PickerItem) {
    if (busy) return;
    setBusy(item.id);
    try {
      const body = p.messageId ? { messageId: p.messageId } : p.contactId ? { contactId: p.contactId } : {};
      const filled = await api<PickedTemplate & { errors: string[] }>(
        "POST",
        `/templates/${item.id}/render`,
        body,
      );
      if (filled.errors.length) {
        setBusy(null);
        showToast({ kind: "error", text: `“${item.name}” has mistakes to fix first: ${filled.errors[0]}` });
        return;
      }
      const picked: PickedTemplate = {
        subject: filled.subject,
        html: filled.html,
        template: filled.template,
        name: item.name,
        missing: filled.missing,
        recipient: filled.recipient,
      };
      if (picked.missing.length) setPending({ item, filled: picked });
      else await finish(picked);
    } catch (error) {
      setBusy(null);
      const message = error instanceof ApiError ? error.message : String(error);
      showToast({ kind: "error", text: `Couldn't fill in “${item.name}”: ${message}` });
    }
  }

  if (!data) {
    return (
      <section class="picker" aria-label="Templates" aria-busy={!loadError} data-testid="template-picker">
        {loadError
          ? (
            <p class="error-text">
              Couldn't load templates: {loadError}{" "}
              <button type="button" class="link-button" onClick={load}>Try again</button>
            </p>
          )
          : <p class="muted">Loading templates…</p>}
      </section>
    );
  }

  const shown = data.items.filter((item) => item.ranking && matches(item, q, category));
  const who = data.target.contactName;
  return (
    <section
      class="picker"
      aria-label="Templates"
      data-testid="template-picker"
      data-ready={ready ? "true" : undefined}
    >
      <div class="picker-tools">
        <label class="sr-only" for="picker-search">Search templates</label>
        <input
          id="picker-search"
          class="picker-search"
          type="search"
          placeholder="Search templates"
          autoComplete="off"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        {data.categories.length > 0 && (
          <div class="picker-categories" role="group" aria-label="Category">
            {["", ...data.categories].map((c) => (
              <button
                key={c || "all"}
                type="button"
                class="picker-chip"
                aria-pressed={fold(category) === fold(c)}
                onClick={() => setCategory(c)}
              >
                {c || "All"}
              </button>
            ))}
          </div>
        )}
      </div>
      <p class="picker-for muted small">
        {who ? `Ranked for ${who} by expected reply rate.` : "Ranked by expected reply rate across the team."}
      </p>
      {shown.length === 0
        ? (
          <p class="picker-empty muted">
            {data.items.length === 0
              ? (
                <>
                  No templates yet. <a href="/templates/new">Create one</a>.
                </>
              )
              : "No templates match."}
          </p>
        )
        : (
          <ul class="picker-list">
            {shown.map((item) => {
              const star = item.ranking?.recommended ?? false;
              return (
                <li
                  key={item.id}
                  class={`picker-item${star ? " is-recommended" : ""}`}
                  data-template-id={item.id}
                  data-recommended={star ? "true" : undefined}
                >
                  <div class="picker-main">
                    <div class="picker-title">
                      <span class="picker-name">{item.name}</span>
                      {star && (
                        <span class="picker-star" data-testid="recommended">
                          <span aria-hidden="true">★</span> Recommended
                        </span>
                      )}
                      {item.category && <span class="badge badge-grey">{item.category}</span>}
                      {item.scope === "personal" && <span class="badge badge-blue">Personal</span>}
                    </div>
                    <p class="picker-rates small">{rates(item)}</p>
                    {item.ranking && (
                      <p class="picker-why small" id={`why-${item.id}`} data-testid="explanation">
                        {item.ranking.explanation}
                      </p>
                    )}
                  </div>
                  <button
                    type="button"
                    class={`button ${star ? "button-primary" : "button-secondary"} button-small picker-use`}
                    aria-describedby={`why-${item.id}`}
                    aria-label={`Use ${item.name}`}
                    aria-disabled={busy !== null || undefined}
                    ref={(button) => {
                      if (button) useButtons.current.set(item.id, button);
                      else useButtons.current.delete(item.id);
                    }}
                    onClick={() => void use(item)}
                  >
                    {busy === item.id && pending?.item.id !== item.id ? "Inserting…" : "Use"}
                  </button>
                  {pending?.item.id === item.id && (
                    <div
                      class="picker-missing"
                      role="alertdialog"
                      aria-labelledby={`missing-${item.id}`}
                      onKeyDown={(event) => {
                        if (event.key !== "Escape") return;
                        // This question only: the dialog the picker may sit in stays open.
                        event.preventDefault();
                        event.stopPropagation();
                        cancel();
                      }}
                    >
                      <p id={`missing-${item.id}`} class="small">
                        {pending.filled.recipient
                          ? missingNote(pending.filled.recipient.name || pending.filled.recipient.email)
                          : "With no single recipient, these have no value: "}
                        {pending.filled.missing.map((f, i) => (
                          <>
                            {i > 0 && ", "}
                            <code>{`{{${f}}}`}</code>
                          </>
                        ))}
                        {MISSING_ADVICE}
                      </p>
                      <div class="picker-missing-actions">
                        <button
                          ref={confirmRef}
                          type="button"
                          class="button button-primary button-small"
                          onClick={() => void finish(pending.filled)}
                        >
                          Insert anyway
                        </button>
                        <button
                          type="button"
                          class="button button-ghost button-small"
                          onClick={cancel}
                        >
                          Cancel
                        </button>
                      </div>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      <p class="picker-note muted small">
        The star needs enough sends and a reply rate clearly above the team average. {data.teamAverageNote}
        {" "}
        {data.openBasisNote}
      </p>
    </section>
  );
}

/** Standalone: the picked template becomes the draft (the given one, or a new one to the contact). */
async function useInDraft(props: TemplatePickerProps, filled: PickedTemplate) {
  const fields = { subject: filled.subject, html: filled.html, template: filled.template };
  let id = props.messageId;
  if (id) {
    await api("PATCH", `/messages/${id}`, fields);
  } else {
    const r = filled.recipient;
    const draft = await api<{ id: string }>("POST", "/messages", {
      ...fields,
      to: r ? [r.email] : [],
      regarding: r?.contactId ? { type: "contact", id: r.contactId } : null,
    });
    id = draft.id;
  }
  location.assign(`/compose/${id}`);
  await new Promise(() => {}); // keep "Inserting…" until the page changes
}

export default function TemplatePickerIsland(props: Omit<TemplatePickerProps, "onPick">) {
  return <TemplatePicker {...props} onPick={(filled) => useInDraft(props, filled)} />;
}
