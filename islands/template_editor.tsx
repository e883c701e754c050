/// <reference lib="dom" />
/**
 * The template editor: name, category, scope, subject and body (the composer's rich-text editor), a menu that
 * inserts merge fields, mistakes shown while typing (the same checks the server makes, lib/templates/merge.ts),
 * and a live preview filled in for a chosen contact (POST /api/templates/preview).
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../lib/browser/api.ts";
import { MAX_SUBJECT_CHARS } from "../lib/messages/limits.ts";
import { previewDoc } from "../lib/messages/preview_doc.ts";
import {
  MERGE_FIELDS,
  MISSING_ADVICE,
  missingNote,
  parseTemplate,
  validateTemplate,
} from "../lib/templates/merge.ts";
import type { TemplateScope } from "../lib/templates/types.ts";
import { setFlash } from "./composer/flash.ts";
import { Toolbar, useLinkBox } from "./composer/toolbar.tsx";
import { useEditor } from "./composer/use_editor.ts";

export interface TemplateEditorProps {
  /** null for a new template. */
  template: {
    id: string;
    name: string;
    category: string;
    scope: TemplateScope;
    subject: string;
    html: string;
    version: number;
    locked: boolean;
  } | null;
  /** Suggestions for the category field. */
  categories: string[];
  /** Contacts to preview with (the first ones by name). */
  contacts: { id: string; label: string }[];
  previewContactId: string | null;
  /** The saved text filled in for that contact (null for a new template): the preview shows it from the start. */
  preview: Preview | null;
  /** Where Cancel goes. */
  back: string;
}

type Field = "name" | "category" | "scope" | "subject" | "html";
type Errors = Partial<Record<Field | "_", string>>;

export interface Preview {
  subject: string;
  html: string;
  missing: string[];
  errors: string[];
}

const PLACEHOLDER = "Write the template… Insert fields like {{contact.first_name}} from the menu.";

/** The mistakes in a subject and body, as the server would report them. */
function mergeProblems(subject: string, html: string): Errors {
  const out: Errors = {};
  const s = parseTemplate(subject).errors.map((e) => e.message);
  // Said, not cut: a maxlength would drop the end of a pasted subject without a word.
  if (subject.length > MAX_SUBJECT_CHARS) {
    s.push(`Subjects are at most ${MAX_SUBJECT_CHARS} characters; this one has ${subject.length}.`);
  }
  if (s.length) out.subject = [...new Set(s)].join(" ");
  const h = validateTemplate("", html).html;
  if (h) out.html = h;
  return out;
}

/** A menu of merge fields; picking one inserts `{{field}}` where the cursor was. */
function FieldMenu({ id, label, onInsert }: { id: string; label: string; onInsert(field: string): void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  // Into the menu as it renders, not after paint: an effect still pending when a field is picked would run
  // as the menu closes and pull the focus out of the body the pick just returned it to.
  useLayoutEffect(() => {
    if (!open) return;
    items.current[0]?.focus();
    const close = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);
  const button = useRef<HTMLButtonElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const i = items.current.indexOf(document.activeElement as HTMLButtonElement);
    const move = (n: number) => {
      e.preventDefault();
      items.current[(i + n + MERGE_FIELDS.length) % MERGE_FIELDS.length]?.focus();
    };
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    } else if (e.key === "ArrowDown") move(1);
    else if (e.key === "ArrowUp") move(-1);
    else if (e.key === "Tab") setOpen(false);
  };
  return (
    <div class="field-menu" ref={root} onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        class="button button-secondary button-small field-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={id}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true" class="field-menu-braces">{"{ }"}</span> {label}
      </button>
      {open && (
        <div class="field-menu-panel" id={id} role="menu" aria-label="Merge fields">
          {MERGE_FIELDS.map((f, i) => (
            <button
              key={f.name}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role="menuitem"
              class="field-menu-item"
              data-field={f.name}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                setOpen(false);
                onInsert(f.name);
              }}
            >
              <span>{f.label}</span>
              <code class="muted">{`{{${f.name}}}`}</code>
            </button>
          ))}
          <p class="field-menu-hint small muted">
            A fallback is used when the value is empty: <code>{'{{contact.first_name | "there"}}'}</code>
          </p>
        </div>
      )}
    </div>
  );
}

export default function TemplateEditor(props: TemplateEditorProps) {
  const t = props.template;
  const [name, setName] = useState(t?.name ?? "");
  const [category, setCategory] = useState(t?.category ?? "");
  const [scope, setScope] = useState<TemplateScope>(t?.scope ?? "team");
  const [subject, setSubject] = useState(t?.subject ?? "");
  const [html, setHtml] = useState(t?.html ?? "");
  const [live, setLive] = useState<Errors>(() => t ? mergeProblems(t.subject, t.html) : {});
  const [server, setServer] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [contactId, setContactId] = useState(props.previewContactId ?? "");
  const [preview, setPreview] = useState<Preview | null>(props.preview);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const dirty = useRef(false);
  const leaving = useRef(false);
  const subjectRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const htmlRef = useRef(html);
  const bodyTouched = useRef(false);
  const { hostRef, editorRef, ready, failed: editorFailed, formats, mod } = useEditor(htmlRef, {
    placeholder: PLACEHOLDER,
    labelledBy: "template-body-label",
    describedBy: "template-body-error",
    onUpdate: (next) => {
      htmlRef.current = next;
      setHtml(next);
      setServer((s) => ({ ...s, html: undefined }));
      changed();
    },
    onSubmit: () => document.querySelector<HTMLFormElement>("#template-form")?.requestSubmit(),
    onLinkShortcut: () => linkBox.open(),
    onReady: (handle) => {
      handle.editor.on("focus", () => (bodyTouched.current = true));
    },
  });
  const linkBox = useLinkBox(editorRef);
  /** The preview the page came with is of the text as it loads: the effect's first run keeps it. */
  const served = useRef(props.preview !== null);

  const changed = () => {
    dirty.current = true;
  };

  // Mistakes appear when typing pauses (not while `{{contact.` is half written).
  useEffect(() => {
    const timer = setTimeout(() => setLive(mergeProblems(subject, html)), 500);
    return () => clearTimeout(timer);
  }, [subject, html]);

  // The preview follows the text and the chosen contact.
  useEffect(() => {
    if (served.current) {
      served.current = false;
      return;
    }
    if (!subject.trim() && !html.trim()) {
      setPreview(null);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      api<Preview>("POST", "/templates/preview", { contactId: contactId || null, subject, html })
        .then((p) => !stale && (setPreview(p), setPreviewError(null)))
        .catch((e: Error) => !stale && setPreviewError(e.message));
    }, 400);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [subject, html, contactId]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (leaving.current || !dirty.current) return;
      e.preventDefault();
      e.returnValue = "";
    };
    addEventListener("beforeunload", warn);
    return () => {
      removeEventListener("beforeunload", warn);
    };
  }, []);

  function insertInSubject(field: string) {
    const input = subjectRef.current;
    const text = `{{${field}}}`;
    const start = input?.selectionStart ?? subject.length;
    const end = input?.selectionEnd ?? subject.length;
    const next = subject.slice(0, start) + text + subject.slice(end);
    // The field and its caret change now, not after the render: keys typed right after choosing a field
    // must land after it (the render then finds the same value).
    if (input) {
      input.value = next;
      input.focus();
      input.setSelectionRange(start + text.length, start + text.length);
    }
    setSubject(next);
    changed();
  }

  function insertInBody(field: string) {
    const editor = editorRef.current?.editor;
    if (!editor) return;
    // Where the cursor was; at the end when the body was never clicked into.
    editor.chain().focus(bodyTouched.current ? undefined : "end").insertContent(`{{${field}}}`).run();
    // The focus command moves the DOM focus on the next frame; keys typed right after the pick must land here.
    editor.view.focus();
  }

  async function save(e: Event) {
    e.preventDefault();
    if (saving) return;
    const problems = mergeProblems(subject, html);
    setLive(problems);
    const missing: Errors = {};
    if (!name.trim()) missing.name = "Enter a name.";
    if (!subject.trim()) missing.subject = "Add a subject.";
    if (!html.trim()) missing.html = "Write the template's text.";
    const all = { ...missing, ...problems };
    if (Object.keys(all).length) {
      setServer(missing);
      const first = (["name", "subject", "html"] as const).find((f) => all[f]);
      if (first === "name") nameRef.current?.focus();
      else if (first === "subject") subjectRef.current?.focus();
      else editorRef.current?.focus();
      return;
    }
    setSaving(true);
    setServer({});
    const payload = { name, category, scope, subject, html };
    try {
      const saved = t
        ? await api<{ id: string; version: number }>("PATCH", `/templates/${t.id}`, {
          ...payload,
          baseVersion: t.version,
        })
        : await api<{ id: string; version: number }>("POST", "/templates", payload);
      leaving.current = true;
      setFlash(
        "success",
        !t
          ? "Template created."
          : saved.version > t.version
          ? `Saved as version ${saved.version}.`
          : "Saved.",
      );
      location.assign(`/templates/${saved.id}`);
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fields).length) {
        setServer({ _: error.message, ...error.fields });
      } else {
        setServer({ _: (error as Error).message });
      }
    }
  }

  const errors: Errors = { ...live, ...Object.fromEntries(Object.entries(server).filter(([, v]) => v)) };
  const ssrBody = `<div class="composer-prose composer-prose-static">${
    t?.html || `<p class="is-editor-empty" data-placeholder="${PLACEHOLDER}"></p>`
  }</div>`;
  const describedBy = (field: Field, hint?: string) =>
    [errors[field] && `template-${field}-error`, hint].filter(Boolean).join(" ") || undefined;

  return (
    <div class="template-editor-layout" data-ready={ready ? "true" : undefined} data-testid="template-editor">
      <form id="template-form" class="card template-form stack" onSubmit={save} noValidate>
        {errors._ && <div class="alert alert-error" role="alert">{errors._}</div>}
        <div class="grid-2">
          <div class={`field${errors.name ? " has-error" : ""}`}>
            <label for="template-name">Name</label>
            <input
              ref={nameRef}
              id="template-name"
              type="text"
              maxLength={120}
              required
              value={name}
              placeholder="Quick intro"
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy("name")}
              onInput={(e) => {
                setName(e.currentTarget.value);
                setServer((s) => ({ ...s, name: undefined }));
                changed();
              }}
            />
            {errors.name && <p class="error-text" id="template-name-error">{errors.name}</p>}
          </div>
          <div class={`field${errors.category ? " has-error" : ""}`}>
            <label for="template-category">
              Category<span class="optional">optional</span>
            </label>
            <input
              id="template-category"
              type="text"
              maxLength={40}
              list="template-categories"
              value={category}
              placeholder="Follow-up"
              aria-describedby={describedBy("category")}
              onInput={(e) => {
                setCategory(e.currentTarget.value);
                changed();
              }}
            />
            <datalist id="template-categories">
              {props.categories.map((c) => <option key={c} value={c} />)}
            </datalist>
            {errors.category && <p class="error-text" id="template-category-error">{errors.category}</p>}
          </div>
        </div>

        <fieldset class="field template-scope">
          <legend>Who can use it</legend>
          <label class="check-row">
            <input
              type="radio"
              name="scope"
              value="team"
              checked={scope === "team"}
              onChange={() => (setScope("team"), changed())}
            />
            <span>
              <strong>Team</strong>
              <span class="muted small">Everyone on the team can use it and edit it</span>
            </span>
          </label>
          <label class="check-row">
            <input
              type="radio"
              name="scope"
              value="personal"
              checked={scope === "personal"}
              disabled={t?.locked}
              onChange={() => (setScope("personal"), changed())}
            />
            <span>
              <strong>Personal</strong>
              <span class="muted small">Only you see it</span>
            </span>
          </label>
          {errors.scope && <p class="error-text">{errors.scope}</p>}
        </fieldset>

        <div class={`field${errors.subject ? " has-error" : ""}`}>
          <div class="template-label-row">
            <label for="template-subject">Subject</label>
            <FieldMenu id="subject-fields" label="Insert field" onInsert={insertInSubject} />
          </div>
          <input
            ref={subjectRef}
            id="template-subject"
            type="text"
            required
            autoComplete="off"
            value={subject}
            placeholder='Quick question, {{contact.first_name | "there"}}'
            aria-invalid={errors.subject ? true : undefined}
            aria-describedby={describedBy("subject")}
            onInput={(e) => {
              setSubject(e.currentTarget.value);
              setServer((s) => ({ ...s, subject: undefined }));
              changed();
            }}
          />
          {errors.subject && (
            <p class="error-text" id="template-subject-error" data-testid="subject-error">{errors.subject}</p>
          )}
        </div>

        <div class={`field template-body composer-body${errors.html ? " has-error" : ""}`}>
          <div class="template-label-row">
            <span id="template-body-label" class="template-label">Body</span>
            <FieldMenu id="body-fields" label="Insert field" onInsert={insertInBody} />
          </div>
          <div class="template-body-box">
            <div class="composer-toolbar-wrap">
              <Toolbar
                formats={formats}
                ready={ready}
                mod={mod}
                linkOpen={linkBox.isOpen}
                onFormat={(format) =>
                  editorRef.current?.toggle(format)}
                onLink={linkBox.toggle}
              />
              {linkBox.box}
            </div>
            <div
              id="composer-body"
              class="composer-editor template-editor-host"
              ref={hostRef}
              dangerouslySetInnerHTML={{ __html: ssrBody }}
            />
          </div>
          <div id="template-body-error">
            {errors.html && <p class="error-text" data-testid="body-error">{errors.html}</p>}
            {editorFailed && (
              <p class="error-text">The editor couldn't load. Check your connection and reload the page.</p>
            )}
          </div>
        </div>

        <div class="form-actions">
          <button class="button button-primary" type="submit" aria-disabled={saving || undefined}>
            {saving ? "Saving…" : t ? "Save changes" : "Create template"}
          </button>
          <a class="button button-ghost" href={props.back}>Cancel</a>
          {t && (
            <span class="muted small template-version-note">
              Editing version {t.version}; a changed name, subject or body is saved as version{" "}
              {t.version + 1}.
            </span>
          )}
        </div>
      </form>

      <aside class="card template-preview" aria-labelledby="template-preview-title">
        <div class="template-preview-head">
          <h2 id="template-preview-title" class="card-title">Preview</h2>
          <label class="sr-only" for="template-preview-contact">Preview for</label>
          <select
            id="template-preview-contact"
            value={contactId}
            onChange={(e) =>
              setContactId(e.currentTarget.value)}
          >
            <option value="">No contact (fallbacks only)</option>
            {props.contacts.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
          </select>
        </div>
        {previewError && <p class="error-text">{previewError}</p>}
        {preview
          ? (
            <>
              <p class="template-preview-subject" data-testid="preview-subject">
                <span class="muted">Subject:</span> {preview.subject || <span class="muted">(none)</span>}
              </p>
              {preview.missing.length > 0 && (
                <p class="alert alert-info small" data-testid="preview-missing">
                  {missingNote("this contact")}
                  {preview.missing.map((f) => `{{${f}}}`).join(", ")}
                  {MISSING_ADVICE}
                </p>
              )}
              <iframe
                class="email-frame template-preview-frame"
                title="Preview of the email"
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                srcdoc={previewDoc(preview.html)}
              />
            </>
          )
          : <p class="muted small">Write a subject or some text to see it filled in.</p>}
      </aside>
    </div>
  );
}
