/// <reference lib="dom" />
/**
 * The composer: recipients, subject, regarding, a rich-text body, the follow control, autosave and send.
 *
 * Rendered on the server with its props (the body as read-only HTML), then hydrated; the Tiptap editor
 * (lib/browser/editor.ts, its own chunk) mounts into the body's container once loaded. Every change is
 * saved as a draft (DraftSaver); Send saves what is pending first, then sends the saved draft.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../lib/browser/api.ts";
import type { ActiveFormats, EditorHandle, FormatName } from "../lib/browser/editor.ts";
import { showToast } from "../lib/browser/toast.ts";
import type { ComposerProps } from "../lib/messages/composer_props.ts";
import type { FollowState } from "../lib/messages/types.ts";
import { formatTime } from "../lib/time/format.ts";
import { FollowPanel } from "./composer/follow.tsx";
import {
  type Chip,
  chipOf,
  type ComposerForm,
  type DraftDetail,
  type DraftPayload,
  FIELD_ORDER,
  type FieldName,
  fieldOf,
  individualProblem,
  markRefusedAddresses,
  mergeRecipients,
  payloadOf,
  RECIPIENT_FIELDS,
  recipientCount,
  type RecipientField,
  type ServerFollow,
} from "./composer/model.ts";
import { RecipientRow } from "./composer/recipients.tsx";
import { RegardingRow } from "./composer/regarding.tsx";
import { DraftSaver, type SaveStatus } from "./composer/saver.ts";
import { LinkBox, Toolbar } from "./composer/toolbar.tsx";

type Errors = Partial<Record<FieldName, string>>;

const NO_FORMATS: ActiveFormats = {
  bold: false,
  italic: false,
  underline: false,
  bulletList: false,
  orderedList: false,
  blockquote: false,
  link: false,
};

const PLACEHOLDER = "Write your message…";

function initialForm(p: ComposerProps): ComposerForm {
  const d = p.draft;
  if (d) {
    return {
      to: d.to.map(chipOf),
      cc: d.cc.map(chipOf),
      bcc: d.bcc.map(chipOf),
      subject: d.subject,
      regarding: d.regarding,
      followWanted: d.followWanted,
      sendIndividually: d.sendIndividually,
    };
  }
  return {
    to: (p.prefill?.to ?? []).map(chipOf),
    cc: [],
    bcc: [],
    subject: "",
    regarding: p.prefill?.regarding ?? null,
    followWanted: p.followByDefault,
    sendIndividually: false,
  };
}

/** The one-time message the next page shows (the server's flash cookie, encoded as the server does). */
function setFlash(kind: "success" | "info", text: string) {
  const value = encodeURIComponent(encodeURIComponent(JSON.stringify({ kind, text })));
  document.cookie = `beacon_flash=${value}; path=/; max-age=60; samesite=lax`;
}

/** Server field keys → one message per composer field. */
function errorsOf(fields: Record<string, string>): Errors {
  const out: Errors = {};
  for (const [key, message] of Object.entries(fields)) {
    const field = fieldOf(key);
    if (field) out[field] ??= message;
  }
  return out;
}

const sameFormats = (a: ActiveFormats, b: ActiveFormats) =>
  (Object.keys(a) as FormatName[]).every((k) => a[k] === b[k]);

function StatusLine({ status, zone }: { status: SaveStatus; zone: string }) {
  const text = status.kind === "idle"
    ? "Drafts save automatically"
    : status.kind === "pending" || status.kind === "saving"
    ? "Saving…"
    : status.kind === "saved"
    ? `Saved ${formatTime(status.at, zone)}`
    : `Couldn't save — ${status.message.replace(/[.\s]+$/, "")}.${status.retrying ? " Retrying…" : ""}`;
  // Only failures are announced: "Saving…"/"Saved" on every pause would be noise for screen readers.
  return (
    <>
      <p class={`composer-status composer-status-${status.kind}`} data-testid="save-status">
        {status.kind === "saved" && (
          <svg
            viewBox="0 0 24 24"
            width="14"
            height="14"
            aria-hidden="true"
            fill="none"
            stroke="currentColor"
            stroke-width="2.4"
          >
            <path d="M20 6 9 17l-5-5" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
        )}
        {(status.kind === "saving" || status.kind === "pending") && (
          <span class="spinner" aria-hidden="true" />
        )}
        {text}
      </p>
      <span class="sr-only" role="status">{status.kind === "error" ? text : ""}</span>
    </>
  );
}

export default function Composer(props: ComposerProps) {
  const [form, setFormState] = useState<ComposerForm>(() => initialForm(props));
  const formRef = useRef<ComposerForm>(form);
  const htmlRef = useRef(props.draft?.html ?? "");
  const [server, setServer] = useState<ServerFollow | null>(() =>
    props.draft
      ? {
        followWanted: props.draft.followWanted,
        follow: props.draft.follow,
        blockedBy: props.draft.blockedBy,
        recipients: [...props.draft.to, ...props.draft.cc, ...props.draft.bcc],
      }
      : null
  );
  const [status, setStatus] = useState<SaveStatus>(
    props.draft ? { kind: "saved", at: props.draft.updatedAt } : { kind: "idle" },
  );
  const [errors, setErrorsState] = useState<Errors>({});
  const errorsRef = useRef<Errors>({});
  const [showCc, setShowCc] = useState(form.cc.length > 0);
  const [showBcc, setShowBcc] = useState(form.bcc.length > 0);
  const [sending, setSending] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [ready, setReady] = useState(false);
  const [editorFailed, setEditorFailed] = useState(false);
  const [formats, setFormats] = useState<ActiveFormats>(NO_FORMATS);
  const [link, setLink] = useState<{ initial: string } | null>(null);
  const [mod, setMod] = useState("Ctrl");
  const [followBusy, setFollowBusy] = useState(false);

  const inputs = {
    to: useRef<HTMLInputElement>(null),
    cc: useRef<HTMLInputElement>(null),
    bcc: useRef<HTMLInputElement>(null),
    subject: useRef<HTMLInputElement>(null),
    regarding: useRef<HTMLInputElement>(null),
  };
  const commits = {
    to: useRef<(() => void) | null>(null),
    cc: useRef<(() => void) | null>(null),
    bcc: useRef<(() => void) | null>(null),
  };
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<EditorHandle | null>(null);
  const leavingRef = useRef(false);
  const sendingRef = useRef(false);
  // The editor is created once; its callbacks reach the latest handlers through these.
  const sendRef = useRef<() => void>(() => {});
  const openLinkRef = useRef<() => void>(() => {});
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const discardRef = useRef<HTMLButtonElement>(null);
  const askedDiscard = useRef(false);

  const setErrors = (next: Errors) => {
    errorsRef.current = next;
    setErrorsState(next);
  };
  const clearError = (...fields: FieldName[]) => {
    if (!fields.some((f) => errorsRef.current[f])) return;
    const next = { ...errorsRef.current };
    for (const f of fields) delete next[f];
    setErrors(next);
  };

  const saverRef = useRef<DraftSaver<DraftPayload, DraftDetail> | null>(null);
  if (!saverRef.current) {
    saverRef.current = new DraftSaver<DraftPayload, DraftDetail>({
      id: props.draft?.id ?? null,
      snapshot: () => payloadOf(formRef.current, htmlRef.current),
      request: (id, payload) =>
        id
          ? api<DraftDetail>("PATCH", `/messages/${id}`, payload)
          : api<DraftDetail>("POST", "/messages", payload),
      onStatus: setStatus,
      savedAt: (r) => r.updatedAt,
      onCreated: (id) => history.replaceState(history.state, "", `/compose/${id}`),
      onSaved: (r) => {
        setServer({
          followWanted: r.followWanted,
          follow: r.follow,
          blockedBy: r.blockedBy,
          recipients: [...r.to, ...r.cc, ...r.bcc],
        });
        const f = formRef.current;
        const merged = {
          to: mergeRecipients(f.to, r.to),
          cc: mergeRecipients(f.cc, r.cc),
          bcc: mergeRecipients(f.bcc, r.bcc),
        };
        if (merged.to !== f.to || merged.cc !== f.cc || merged.bcc !== f.bcc) update(merged, false);
      },
      onFailure: (error, payload) => {
        if (!(error instanceof ApiError)) return { action: "retry_later", message: "Something went wrong" };
        if (error.status === 0 || error.status >= 500 || error.status === 429) {
          return { action: "retry_later", message: error.message };
        }
        if (error.status === 400 && Object.keys(error.fields).length) {
          const { form: next, marked, other } = markRefusedAddresses(formRef.current, payload, error.fields);
          if (marked) update(next, false);
          const fieldErrors = errorsOf(other);
          if (Object.keys(fieldErrors).length) setErrors({ ...errorsRef.current, ...fieldErrors });
          const first = Object.values(other)[0];
          if (marked && !first) return { action: "retry_now", message: "an address is not valid" };
          return { action: "stop", message: first ?? error.message };
        }
        return { action: "stop", message: error.message };
      },
    });
  }
  const saver = saverRef.current;

  /** Changes the form; by default the change is saved after a pause. */
  function update(patch: Partial<ComposerForm>, save = true) {
    const next = { ...formRef.current, ...patch };
    formRef.current = next;
    setFormState(next);
    if (save) saver.change();
  }

  const setRecipients = (field: RecipientField) => (chips: Chip[]) => {
    update({ [field]: chips });
    clearError(field, ...(field === "to" ? [] : ["cc" as const]));
  };

  function focusField(field: FieldName) {
    if (field === "cc") setShowCc(true);
    if (field === "bcc") setShowBcc(true);
    requestAnimationFrame(() => {
      if (field === "html") {
        if (editorRef.current) editorRef.current.focus();
        else hostRef.current?.scrollIntoView({ block: "center" });
      } else {
        inputs[field].current?.focus();
      }
    });
  }

  const focusFirstError = (errs: Errors) => {
    const first = FIELD_ORDER.find((f) => errs[f]);
    if (first) focusField(first);
  };

  async function send() {
    if (sendingRef.current || discarding) return;
    for (const f of RECIPIENT_FIELDS) commits[f].current?.();
    const refused = () => RECIPIENT_FIELDS.find((f) => formRef.current[f].some((c) => c.error));
    const bad = refused();
    if (bad) {
      setErrors({ ...errorsRef.current, [bad]: "Remove or correct the address in red." });
      focusField(bad);
      return;
    }
    sendingRef.current = true;
    setSending(true);
    setErrors({});
    const stop = () => {
      sendingRef.current = false;
      setSending(false);
    };
    let id: string;
    try {
      id = await saver.flush();
    } catch (error) {
      stop();
      if (Object.keys(errorsRef.current).length) focusFirstError(errorsRef.current);
      else showToast({ kind: "error", text: `Not sent: ${(error as Error).message}` });
      return;
    }
    const late = refused(); // the server refused an address while saving
    if (late) {
      stop();
      setErrors({ [late]: "Remove or correct the address in red." });
      focusField(late);
      return;
    }
    try {
      const result = await api<{ items: { id: string }[] }>("POST", `/messages/${id}/send`);
      saver.stop();
      leavingRef.current = true;
      if (result.items.length > 1) {
        setFlash("success", `Sent ${result.items.length} copies`);
        location.assign("/?scope=mine");
      } else {
        setFlash("success", "Your email is on its way.");
        location.assign(`/messages/${result.items[0].id}`);
      }
    } catch (error) {
      stop();
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fields).length) {
        const errs = errorsOf(error.fields);
        setErrors(errs);
        focusFirstError(errs);
      } else {
        showToast({ kind: "error", text: `Not sent: ${(error as Error).message}` });
      }
    }
  }
  sendRef.current = () => void send();

  async function discard() {
    setDiscarding(true);
    saver.stop();
    await saver.settle();
    try {
      if (saver.id) await api("DELETE", `/messages/${saver.id}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        setDiscarding(false);
        setConfirmDiscard(false);
        saver.resume();
        saver.change();
        showToast({ kind: "error", text: `Not discarded: ${(error as Error).message}` });
        return;
      }
    }
    leavingRef.current = true;
    setFlash("info", "Draft discarded.");
    location.assign("/");
  }

  function openLink() {
    const editor = editorRef.current;
    if (!editor) return;
    setLink({ initial: editor.linkHref() });
  }
  openLinkRef.current = openLink;

  function follow(want: boolean) {
    update({ followWanted: want }, false);
    setFollowBusy(true);
    saver.saveNow().finally(() => setFollowBusy(false));
  }

  useEffect(() => {
    if (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)) setMod("⌘");
    let handle: EditorHandle | null = null;
    let cancelled = false;
    import("../lib/browser/editor.ts").then(({ createEditor }) => {
      if (cancelled || !hostRef.current) return;
      handle = createEditor(hostRef.current, htmlRef.current, {
        placeholder: PLACEHOLDER,
        labelledBy: "composer-body-label",
        describedBy: "composer-body-error",
        onUpdate: (html) => {
          htmlRef.current = html;
          clearError("html");
          saver.change();
        },
        onFormats: (next) => setFormats((prev) => sameFormats(prev, next) ? prev : next),
        onSubmit: () => sendRef.current(),
        onLinkShortcut: () => openLinkRef.current(),
      });
      editorRef.current = handle;
      setReady(true);
    }).catch((error) => {
      console.error("editor failed to load", error);
      setEditorFailed(true);
    });

    const warn = (e: BeforeUnloadEvent) => {
      if (leavingRef.current || !saver.unsaved) return;
      e.preventDefault();
      e.returnValue = "";
    };
    // Back to a sent or discarded draft from the browser's page cache: show what the server has now.
    const restored = (e: PageTransitionEvent) => e.persisted && leavingRef.current && location.reload();
    addEventListener("beforeunload", warn);
    addEventListener("pageshow", restored);
    return () => {
      cancelled = true;
      handle?.destroy();
      removeEventListener("beforeunload", warn);
      removeEventListener("pageshow", restored);
    };
  }, []);

  // Keyboard focus follows the discard question: onto "Keep editing", then back to "Discard draft".
  useEffect(() => {
    if (confirmDiscard) keepEditingRef.current?.focus();
    else if (askedDiscard.current) discardRef.current?.focus();
    askedDiscard.current = confirmDiscard;
  }, [confirmDiscard]);

  const shownFollow: FollowState = !form.followWanted
    ? "not_following"
    : server?.followWanted
    ? server.follow
    : "following";
  const count = recipientCount(form);
  const ccError = errors.cc ?? null;
  const ssrBody = `<div class="composer-prose composer-prose-static">${
    props.draft?.html || `<p class="is-editor-empty" data-placeholder="${PLACEHOLDER}"></p>`
  }</div>`;

  return (
    <section
      class="composer"
      aria-label="Compose email"
      data-testid="composer"
      data-ready={ready ? "true" : undefined}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
          e.preventDefault();
          void send();
        }
      }}
    >
      <div class="composer-fields">
        <RecipientRow
          id="composer-to"
          label="To"
          chips={form.to}
          onChange={setRecipients("to")}
          error={errors.to ?? null}
          inputRef={inputs.to}
          commitRef={commits.to}
          placeholder="Name or email address"
          after={(!showCc || !showBcc) && (
            <>
              {!showCc && (
                <button
                  type="button"
                  class="composer-toggle"
                  onClick={() => focusField("cc")}
                  aria-label="Add Cc recipients"
                >
                  Cc
                </button>
              )}
              {!showBcc && (
                <button
                  type="button"
                  class="composer-toggle"
                  onClick={() => focusField("bcc")}
                  aria-label="Add Bcc recipients"
                >
                  Bcc
                </button>
              )}
            </>
          )}
        />
        {showCc && (
          <RecipientRow
            id="composer-cc"
            label="Cc"
            chips={form.cc}
            onChange={setRecipients("cc")}
            error={ccError}
            inputRef={inputs.cc}
            commitRef={commits.cc}
          />
        )}
        {showBcc && (
          <RecipientRow
            id="composer-bcc"
            label="Bcc"
            chips={form.bcc}
            onChange={setRecipients("bcc")}
            error={errors.bcc ?? null}
            inputRef={inputs.bcc}
            commitRef={commits.bcc}
          />
        )}
        <div class={`composer-row${errors.subject ? " has-error" : ""}`}>
          <label class="composer-label" for="composer-subject">Subject</label>
          <div class="composer-control">
            <input
              ref={inputs.subject}
              id="composer-subject"
              class="composer-subject"
              type="text"
              maxLength={300}
              autoComplete="off"
              value={form.subject}
              aria-invalid={errors.subject ? true : undefined}
              aria-describedby={errors.subject ? "composer-subject-error" : undefined}
              onInput={(e) => {
                update({ subject: e.currentTarget.value });
                clearError("subject");
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !(e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  editorRef.current?.focus();
                }
              }}
            />
          </div>
          {errors.subject && (
            <div class="composer-row-errors">
              <p class="error-text" id="composer-subject-error">{errors.subject}</p>
            </div>
          )}
        </div>
        <RegardingRow
          id="composer-regarding"
          value={form.regarding}
          onChange={(regarding) => {
            update({ regarding });
            clearError("regarding");
          }}
          error={errors.regarding ?? null}
          inputRef={inputs.regarding}
        />
      </div>

      <div class={`composer-body${errors.html ? " has-error" : ""}`}>
        <span id="composer-body-label" class="sr-only">Message</span>
        <div class="composer-toolbar-wrap">
          <Toolbar
            formats={formats}
            ready={ready}
            mod={mod}
            linkOpen={link !== null}
            onFormat={(format) => editorRef.current?.toggle(format)}
            onLink={() => link ? (setLink(null), editorRef.current?.focus()) : openLink()}
          />
          {link && (
            <LinkBox
              initial={link.initial}
              onApply={(href) => {
                const ok = editorRef.current?.setLink(href) ?? false;
                if (ok) setLink(null);
                return ok;
              }}
              onClose={() => {
                setLink(null);
                editorRef.current?.focus();
              }}
              onDismiss={() => setLink(null)}
            />
          )}
        </div>
        <div
          id="composer-body"
          class="composer-editor"
          ref={hostRef}
          dangerouslySetInnerHTML={{ __html: ssrBody }}
        />
        <div id="composer-body-error" class="composer-body-error">
          {errors.html && <p class="error-text">{errors.html}</p>}
          {editorFailed && (
            <p class="error-text">The editor couldn't load. Check your connection and reload the page.</p>
          )}
        </div>
      </div>

      <FollowPanel
        follow={shownFollow}
        blockedBy={server?.blockedBy ?? []}
        recipients={server?.recipients ?? []}
        count={count}
        sendIndividually={form.sendIndividually}
        individualError={ccError ? null : individualProblem(form)}
        busy={followBusy}
        onFollow={follow}
        onRetry={() => follow(true)}
        onIndividually={(value) => {
          update({ sendIndividually: value });
          clearError("cc");
        }}
      />

      <div class="composer-footer">
        <button
          type="button"
          class="button button-primary composer-send"
          disabled={sending || discarding}
          aria-keyshortcuts={mod === "⌘" ? "Meta+Enter" : "Control+Enter"}
          title={`Send (${mod === "⌘" ? "⌘↵" : "Ctrl+Enter"})`}
          onClick={() => void send()}
        >
          {sending ? <span class="spinner spinner-light" aria-hidden="true" /> : (
            <svg
              viewBox="0 0 24 24"
              width="16"
              height="16"
              aria-hidden="true"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              stroke-linecap="round"
              stroke-linejoin="round"
            >
              <path d="m22 2-7 20-4-9-9-4zM22 2 11 13" />
            </svg>
          )}
          {sending ? "Sending…" : "Send"}
        </button>
        <StatusLine status={status} zone={props.zone} />
        <div class="composer-discard">
          {confirmDiscard
            ? (
              <div class="discard-confirm" role="group" aria-label="Discard this draft?">
                <span class="small">Discard this draft?</span>
                <button
                  type="button"
                  class="button button-danger button-small"
                  disabled={discarding}
                  onClick={() => void discard()}
                >
                  {discarding ? "Discarding…" : "Discard"}
                </button>
                <button
                  ref={keepEditingRef}
                  type="button"
                  class="button button-ghost button-small"
                  disabled={discarding}
                  onClick={() => setConfirmDiscard(false)}
                >
                  Keep editing
                </button>
              </div>
            )
            : (
              <button
                ref={discardRef}
                type="button"
                class="button button-ghost"
                disabled={sending}
                onClick={() => setConfirmDiscard(true)}
              >
                Discard draft
              </button>
            )}
        </div>
      </div>
    </section>
  );
}
