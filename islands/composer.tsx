/// <reference lib="dom" />
/**
 * The composer: recipients, subject, regarding, a rich-text body, the follow control, alarms, autosave,
 * send now or later.
 *
 * Rendered on the server with its props (the body as read-only HTML), then hydrated; the Tiptap editor
 * (lib/browser/editor.ts, its own chunk) mounts into the body's container once loaded. Every change is
 * saved as a draft (DraftSaver); Send saves what is pending first, then sends the saved draft. Once To is
 * saved, the send-time advice for "now" is fetched: a line says when it is outside a recipient's business
 * hours. The send-later panel and the alarm editor are chunks of their own, loaded when first opened (they
 * need the Temporal polyfill, which the page does not load at start-up). So are the files (composer/
 * attachments.tsx: loaded by the first file picked or dropped, which creates the draft first) and the
 * template picker (composer/templates.tsx); this chunk keeps only their buttons and the drop target.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../components/icons.tsx";
import { formatBytes } from "../lib/attachments/files.ts";
import { api, apiAnswer, ApiError } from "../lib/browser/api.ts";
import { useReturnFocus } from "../lib/browser/return_focus.ts";
import { showToast } from "../lib/browser/toast.ts";
import type { ComposerProps } from "../lib/messages/composer_props.ts";
import { MAX_SUBJECT_CHARS } from "../lib/messages/limits.ts";
import { sendProblems } from "../lib/messages/send_rules.ts";
import type { FollowState, Recipient } from "../lib/messages/types.ts";
import type { Advice } from "../lib/scheduling/advice_service.ts";
import { formatTime } from "../lib/time/format.ts";
import { AlarmsHead } from "./composer/alarms_head.tsx";
import { FollowPanel } from "./composer/follow.tsx";
import { untrackedLinks } from "../lib/messages/link_text.ts";
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
import { setFlash } from "./composer/flash.ts";
import { DraftSaver, type SaveStatus } from "./composer/saver.ts";
import { type Elsewhere, ElsewhereNotice } from "./composer/elsewhere.tsx";
import { forgetUnsaved, keepUnsaved, readUnsaved } from "./composer/unsaved.ts";
import { Toolbar, useLinkBox } from "./composer/toolbar.tsx";
import { useEditor } from "./composer/use_editor.ts";

type Errors = Partial<Record<FieldName, string>>;

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
      template: d.template,
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
    template: null,
  };
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

const RED = "Remove or correct the address in red.";

const LABELS: Record<RecipientField, string> = { to: "To", cc: "Cc", bcc: "Bcc" };

type SchedulePanel = typeof import("./composer/schedule.tsx").default;
type AlarmEditor = typeof import("./alarm_editor.tsx").default;
type FilesPanel = typeof import("./composer/attachments.tsx").default;
type TemplatesDialog = typeof import("./composer/templates.tsx").default;
type Picked = import("./template_picker.tsx").PickedTemplate;

/** When the advice for "now" would send instead, if now is outside someone's business hours (else null). */
const betterThanNow = (advice: Advice | null): number | null =>
  advice?.people.some((p) => p.inside === false)
    ? advice.recommendation?.at ?? advice.common?.at ?? advice.compromise?.at ?? null
    : null;

/**
 * What the advice for "now" says, in a line above Send: who it is outside business hours for, with the
 * recommended time one click away; and who has no time zone, with where to set it. Nothing when all is well.
 */
function NowAdvice({ advice, onLater }: { advice: Advice; onLater(at: number): void }) {
  const outside = advice.people.filter((p) => p.inside === false);
  const noZone = advice.people.filter((p) => !p.zone && p.contactId);
  const rec = advice.recommendation;
  const target = betterThanNow(advice);
  if (!outside.length && !noZone.length) return null;
  return (
    <div class="composer-advice" data-testid="now-advice">
      {outside.length > 0 && (
        <p>
          It's {outside.map((p) => `${p.localText} for ${p.name} in ${p.city}`).join(", ")}{" "}
          — outside business hours. {target && (
            <button
              type="button"
              class="link-button"
              onClick={() => onLater(target)}
            >
              {rec ? `${rec.label}?` : "Pick a time that suits everyone"}
            </button>
          )}
        </p>
      )}
      {noZone.map((p) => (
        <p key={p.email}>
          {p.name} has no time zone{p.guessedZone
            ? `; colleagues at the same company are in ${p.guessedZone}`
            : ", so there's no send-time advice"} —{" "}
          <a href={`/contacts/${p.contactId}/edit`}>set it on the contact</a>
        </p>
      ))}
    </div>
  );
}

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
        {status.kind === "saved" && <Icon name="check" size={14} weight={2.4} />}
        {(status.kind === "saving" || status.kind === "pending") && (
          <span class="spinner" aria-hidden="true" />
        )}
        {text}
      </p>
      <span class="sr-only" role="status">{status.kind === "error" ? text : ""}</span>
    </>
  );
}

/**
 * Pressing Send or Send later leaves the focus where it is until the click: leaving a recipient field turns
 * its text into a chip, which can add the attribution note above the buttons and move them from under the
 * pointer, so the click never came. Sending takes the field's text itself.
 */
const holdFocus = (e: MouseEvent) => e.preventDefault();

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
  // Cc and Bcc are behind their toggles until used.
  const [shown, setShown] = useState({ cc: form.cc.length > 0, bcc: form.bcc.length > 0 });
  const [sending, setSending] = useState<false | "now" | "later">(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [followBusy, setFollowBusy] = useState(false);
  // To as last saved (the advice is about it), the advice for sending now, the send-later panel.
  const [to, setTo] = useState<Recipient[]>(props.draft?.to ?? []);
  const [advice, setAdvice] = useState<Advice | null>(null);
  const [later, setLater] = useState<{ at: number | null } | null>(null);
  const [Panel, setPanel] = useState<SchedulePanel | null>(null);
  const [Alarms, setAlarms] = useState<AlarmEditor | null>(null);
  const toKey = to.map((r) => r.email).join();
  // Files: their chunk, the files picked or dropped for it to upload, the drop target while dragging.
  const [Files, setFiles] = useState<FilesPanel | null>(null);
  const [drops, setDrops] = useState(0);
  const [dropping, setDropping] = useState(false);
  const queue = useRef<File[]>([]).current;
  const dragDepth = useRef(0);
  const uploads = useRef(0);
  const filesAt = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const attachRef = useRef<HTMLButtonElement>(null);
  const [Templates, setTemplates] = useState<TemplatesDialog | null>(null);
  const [picking, setPicking] = useState(false);

  const inputs = {
    to: useRef<HTMLInputElement>(null),
    cc: useRef<HTMLInputElement>(null),
    bcc: useRef<HTMLInputElement>(null),
    subject: useRef<HTMLInputElement>(null),
    regarding: useRef<HTMLInputElement>(null),
  };
  const commits = {
    to: useRef<(() => string | null) | null>(null),
    cc: useRef<(() => string | null) | null>(null),
    bcc: useRef<(() => string | null) | null>(null),
  };
  // A paste into Subject was cut to fit: the input event that follows must not clear the notice.
  const subjectCut = useRef(false);
  const leavingRef = useRef(false);
  const sendingRef = useRef(false);
  // The editor is created once; its callbacks reach the latest handlers through these.
  const sendRef = useRef<() => void>(() => {});
  // Keyboard focus: from "Discard draft" to "Keep editing" and back; back to what opened the send-later panel
  // when it closes. The footer's buttons are aria-disabled while busy, so they keep it.
  const focus = useReturnFocus();
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const discardRef = useRef<HTMLButtonElement>(null);
  const laterRef = useRef<HTMLButtonElement>(null);
  const busy = !!sending || discarding;

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

  // The draft's content revision this page last saved or loaded: each save is made to it. Another tab or device
  // saved since: the save is refused (nothing lost on either side) and the seller chooses which version stays.
  const revisionRef = useRef(props.draft?.revision ?? null);
  const [elsewhere, setElsewhere] = useState<Elsewhere | null>(null);
  const keepMineRef = useRef(false);
  const saverRef = useRef<DraftSaver<DraftPayload, DraftDetail> | null>(null);
  const keyUsedRef = useRef(false);
  if (!saverRef.current) {
    saverRef.current = new DraftSaver<DraftPayload, DraftDetail>({
      id: props.draft?.id ?? null,
      snapshot: () => payloadOf(formRef.current, htmlRef.current),
      request: async (id, payload, options) => {
        const patch = (id: string, base: number | null) =>
          api<DraftDetail>(
            "PATCH",
            `/messages/${id}`,
            base === null || keepMineRef.current ? payload : { ...payload, baseRevision: base },
            options,
          );
        if (id) return patch(id, revisionRef.current);
        const key = props.draftKey;
        // Whether a draft this key made is this page's: it sent one before (its answer lost), or it put back what
        // the tab kept of it before a reload.
        const ours = keyUsedRef.current;
        keyUsedRef.current = true;
        const made = await apiAnswer<DraftDetail>("POST", "/messages", payload, {
          ...options,
          headers: key ? { "idempotency-key": key } : {},
        });
        if (made.status !== 200) return made.data;
        // Made by this page: saved over from the revision a new draft has (refused if changed since). Made by
        // another tab on the same address: the seller chooses, as when a draft changed elsewhere.
        if (!ours && !keepMineRef.current) {
          throw new ApiError(409, "draft_changed", "This email was started in another tab.");
        }
        return patch(made.data.id, 1);
      },
      onStatus: setStatus,
      savedAt: (r) => r.updatedAt,
      onCreated: (id) => {
        history.replaceState(history.state, "", `/compose/${id}`);
        if (props.draftKey) forgetUnsaved(sessionStorage, props.draftKey);
      },
      onSaved: (r) => {
        revisionRef.current = r.revision ?? null;
        keepMineRef.current = false;
        setElsewhere(null);
        setTo(r.to);
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
        // Changed, discarded or sent elsewhere: nothing is saved over it until the seller chooses.
        const kind = error.code === "draft_changed"
          ? "changed"
          : error.status === 404
          ? "discarded"
          : error.code === "not_a_draft"
          ? "sent"
          : null;
        if (kind) {
          setElsewhere(kind);
          return { action: "stop", message: `it was ${kind} in another tab or on another device` };
        }
        if (error.status === 0 || error.status >= 500 || error.status === 429) {
          return { action: "retry_later", message: error.message };
        }
        // A file's upload (or change) was written while this save was under way: not another window.
        if (error.status === 409 && (uploads.current || Date.now() - filesAt.current < 5000)) {
          return { action: "retry_now", message: error.message };
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
  // Links that will go out untracked, as their text shows their address (counted in the browser only).
  const [untracked, setUntracked] = useState(0);
  const { hostRef, editorRef, ready, failed: editorFailed, formats, mod } = useEditor(htmlRef, {
    placeholder: PLACEHOLDER,
    labelledBy: "composer-body-label",
    describedBy: "composer-body-error",
    onUpdate: (html) => {
      htmlRef.current = html;
      setUntracked(untrackedIn(html));
      clearError("html");
      saver.change();
    },
    onSubmit: () => sendRef.current(),
    onLinkShortcut: () => linkBox.open(),
  });
  const linkBox = useLinkBox(editorRef);
  useEffect(() => {
    if (ready) setUntracked(untrackedIn(htmlRef.current));
  }, [ready]);

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
    if (field === "cc" || field === "bcc") setShown((now) => ({ ...now, [field]: true }));
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

  /** Turns addresses still being typed into chips; the first field left with text that isn't one. */
  function commitTyped(): { field: RecipientField; text: string } | null {
    let left: { field: RecipientField; text: string } | null = null;
    for (const field of RECIPIENT_FIELDS) {
      const text = commits[field].current?.() ?? null;
      if (text && !left) left = { field, text };
    }
    return left;
  }

  /**
   * Sends now, or schedules for `at`. Resolves to why it did not go (the send-later panel shows it), or null
   * when the page moves on.
   */
  async function send(at?: number): Promise<string | null> {
    if (sendingRef.current || discarding) return "Already sending.";
    if (uploads.current) {
      const wait = "Wait until the files finish uploading.";
      if (!at) showToast({ kind: "error", text: `Not sent: ${wait}` });
      return wait;
    }
    // Text that is not an address (a name never picked from the list) would be dropped: the user decides.
    const left = commitTyped();
    if (left) {
      const message = `Finish or remove “${left.text}”: pick a contact from the list or type a full address.`;
      setErrors({ ...errorsRef.current, [left.field]: message });
      focusField(left.field);
      return message;
    }
    const refused = () => RECIPIENT_FIELDS.find((f) => formRef.current[f].some((c) => c.error));
    // An address in red, with everything else Send would refuse (a missing subject, say): all at once.
    const refuse = (field: RecipientField) => {
      const others = errorsOf(sendProblems(formRef.current, hostRef.current?.textContent ?? ""));
      setErrors({ ...others, [field]: RED });
      focusField(field);
    };
    const bad = refused();
    if (bad) {
      refuse(bad);
      return RED;
    }
    // A new email not saved yet: what Send would refuse (no recipient, no subject…) is said before its first
    // save, so one sent empty by mistake leaves no empty draft behind. (A saved draft's save comes first: it may
    // be refused for a change made elsewhere, which the seller settles before anything else.)
    const problems = saver.id
      ? {}
      : errorsOf(sendProblems(formRef.current, hostRef.current?.textContent ?? ""));
    if (Object.keys(problems).length) {
      setErrors(problems);
      focusFirstError(problems);
      return Object.values(problems)[0]!;
    }
    sendingRef.current = true;
    setSending(at ? "later" : "now");
    setErrors({});
    const stop = (message: string, toast = !at) => {
      sendingRef.current = false;
      setSending(false);
      if (toast) showToast({ kind: "error", text: `Not sent: ${message}` });
      return message;
    };
    let id: string;
    try {
      id = await saver.flush();
    } catch (error) {
      const failed = Object.keys(errorsRef.current).length > 0;
      if (failed) focusFirstError(errorsRef.current);
      return stop((error as Error).message, !at && !failed);
    }
    const late = refused(); // the server refused an address while saving
    if (late) {
      refuse(late);
      return stop(RED, false);
    }
    try {
      const result = await api<{ items: { id: string }[] }>(
        "POST",
        `/messages/${id}/${at ? "schedule" : "send"}`,
        at ? { at } : undefined,
      );
      saver.stop();
      leavingRef.current = true;
      const n = result.items.length;
      setFlash(
        "success",
        at
          ? `Scheduled${n > 1 ? ` ${n} copies` : ""}.`
          : n > 1
          ? `Sent ${n} copies.`
          : "Your email is on its way.",
        // News about this email (its failure, its first open) takes this toast's place.
        n === 1 ? `message:${result.items[0].id}` : undefined,
      );
      location.assign(n > 1 ? "/?scope=mine" : `/messages/${result.items[0].id}`);
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && Object.keys(error.fields).length) {
        if (error.fields.at) return stop(error.fields.at, false);
        const errs = errorsOf(error.fields);
        setErrors(errs);
        focusFirstError(errs);
        return stop(Object.values(errs)[0] ?? error.message, false);
      }
      return stop((error as Error).message);
    }
  }
  sendRef.current = () => void send();

  function askDiscard(asking: boolean) {
    setConfirmDiscard(asking);
    focus.restore(() => asking ? keepEditingRef.current : discardRef.current);
  }

  async function discard() {
    if (discarding) return;
    setDiscarding(true);
    saver.stop();
    await saver.settle();
    try {
      if (saver.id) await api("DELETE", `/messages/${saver.id}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        setDiscarding(false);
        askDiscard(false);
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

  /** Saves the draft (creating it when new), then loads a chunk the next step needs. */
  async function withDraft<T>(load: () => Promise<T>, what: string): Promise<T | null> {
    commitTyped();
    try {
      await saver.flush();
      return await load();
    } catch (error) {
      showToast({ kind: "error", text: `Can't ${what} yet: ${(error as Error).message}` });
      return null;
    }
  }

  async function openLater(at: number | null) {
    if (busy) return;
    focus.remember();
    const mod = await withDraft(() => import("./composer/schedule.tsx"), "schedule");
    if (!mod) return;
    setPanel(() => mod.default);
    setLater({ at });
  }

  function closeLater() {
    setLater(null);
    focus.restore(() => laterRef.current);
  }

  /** Uploads files (picked or dropped): the draft is created first, the files' chunk loaded. */
  async function attach(files: File[]) {
    if (!files.length) return;
    const mod = await withDraft(() => import("./composer/attachments.tsx"), "attach files");
    if (!mod) return;
    queue.push(...files);
    setFiles(() => mod.default);
    setDrops((n) => n + 1);
  }

  const hasFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes("Files");

  /** The template picker, for the saved draft's recipient (or the first To contact before there's a draft). */
  async function openTemplates() {
    commitTyped();
    try {
      if (saver.id) await saver.flush().catch(() => {});
      const mod = await import("./composer/templates.tsx");
      setTemplates(() => mod.default);
      setPicking(true);
    } catch (error) {
      showToast({ kind: "error", text: `Can't open templates: ${(error as Error).message}` });
    }
  }

  function insertTemplate(t: Picked) {
    update({ subject: t.subject, template: { ...t.template, name: t.name } }, false);
    clearError("subject", "html");
    htmlRef.current = t.html;
    editorRef.current?.setContent(t.html);
    editorRef.current?.focus();
    void saver.saveNow();
  }

  async function openAlarms() {
    const mod = await withDraft(() => import("./alarm_editor.tsx"), "add an alarm");
    if (mod) setAlarms(() => mod.default);
  }

  function follow(want: boolean) {
    update({ followWanted: want }, false);
    setFollowBusy(true);
    saver.saveNow().finally(() => setFollowBusy(false));
  }

  // Advice for sending now, whenever the saved To changes.
  useEffect(() => {
    if (!toKey || !saver.id) return setAdvice(null);
    let live = true;
    api<Advice>("GET", `/messages/${saver.id}/advice`).then((a) => live && setAdvice(a), () => {});
    return () => {
      live = false;
    };
  }, [toKey]);

  // A new email's key goes into the page's address, so a reload finds the draft its first save made; what the
  // tab kept of it (left before that save came back) is put back and saved.
  useEffect(() => {
    if (props.draft || !props.draftKey) return;
    const here = new URL(location.href);
    here.searchParams.set("key", props.draftKey);
    history.replaceState(history.state, "", here);
    const kept = readUnsaved(sessionStorage, props.draftKey);
    if (!kept) return;
    keyUsedRef.current = true;
    htmlRef.current = kept.html;
    editorRef.current?.setContent(kept.html);
    setShown({ cc: kept.form.cc.length > 0, bcc: kept.form.bcc.length > 0 });
    update(kept.form);
  }, []);

  // A new email starts where one writes it: in To, or in Subject when To came filled in (from a contact's page).
  useEffect(() => {
    if (props.draft || document.activeElement !== document.body) return;
    inputs[formRef.current.to.length ? "subject" : "to"].current?.focus();
  }, []);

  useEffect(() => {
    if (props.alarms.length) import("./alarm_editor.tsx").then((mod) => setAlarms(() => mod.default));
    if (props.draft?.attachments.length) {
      import("./composer/attachments.tsx").then((mod) => setFiles(() => mod.default));
    }
    const warn = (e: BeforeUnloadEvent) => {
      if (leavingRef.current || !saver.unsaved) return;
      e.preventDefault();
      e.returnValue = "";
    };
    // Back to a sent or discarded draft from the browser's page cache: show what the server has now.
    const restored = (e: PageTransitionEvent) => e.persisted && leavingRef.current && location.reload();
    // Hidden (another tab, the phone's home screen) or left (a reload, a link: browsers hide the page then too):
    // the pause before the next save may never end, so what was typed last is saved now.
    const hidden = () => {
      if (document.visibilityState !== "hidden") return;
      // A new email not saved yet: kept in the tab too, for the reloaded page to put back.
      if (!saver.id && saver.unsaved && props.draftKey) {
        keepUnsaved(sessionStorage, props.draftKey, { form: formRef.current, html: htmlRef.current });
      }
      saver.leave();
    };
    // A link to another page of Beacon (Activity, say) while a save is pending: the save finishes first, so the
    // page it opens has the draft (in "Your drafts"), and nobody is asked "Leave site?". A save that fails
    // leaves it to that question.
    const follow = (e: MouseEvent) => {
      if (!saver.unsaved || leavingRef.current || e.defaultPrevented) return;
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null | undefined;
      // Links in the text being written are not followed; nor are new tabs, downloads and other sites.
      if (!a || a.closest("[contenteditable=true]") || a.target || a.hasAttribute("download")) return;
      if (a.origin !== location.origin || a.getAttribute("href")!.startsWith("#")) return;
      e.preventDefault();
      saver.flush().then(() => leavingRef.current = true, () => {}).finally(() => location.assign(a.href));
    };
    addEventListener("beforeunload", warn);
    addEventListener("pageshow", restored);
    document.addEventListener("visibilitychange", hidden);
    document.addEventListener("click", follow);
    return () => {
      removeEventListener("beforeunload", warn);
      removeEventListener("pageshow", restored);
      document.removeEventListener("visibilitychange", hidden);
      document.removeEventListener("click", follow);
    };
  }, []);

  const shownFollow: FollowState = !form.followWanted
    ? "not_following"
    : server?.followWanted
    ? server.follow
    : "following";
  const count = recipientCount(form);
  const ssrBody = `<div class="composer-prose composer-prose-static">${
    props.draft?.html || `<p class="is-editor-empty" data-placeholder="${PLACEHOLDER}"></p>`
  }</div>`;

  return (
    <section
      class={`composer${dropping ? " is-dropping" : ""}`}
      aria-label="Compose email"
      data-testid="composer"
      data-ready={ready ? "true" : undefined}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
          e.preventDefault();
          void send();
        }
      }}
      // Files dragged over the composer: a drop target (its text is in the stylesheet); the drop uploads them.
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        dragDepth.current++;
        setDropping(true);
      }}
      onDragOver={(e) => {
        if (hasFiles(e)) e.preventDefault();
      }}
      onDragLeave={(e) => {
        if (hasFiles(e) && --dragDepth.current <= 0) {
          dragDepth.current = 0;
          setDropping(false);
        }
      }}
      onDrop={(e) => {
        dragDepth.current = 0;
        setDropping(false);
        if (!hasFiles(e) || e.defaultPrevented) return; // the editor took it (text, a link)
        e.preventDefault();
        void attach([...e.dataTransfer!.files]);
      }}
    >
      {elsewhere && (
        <ElsewhereNotice
          kind={elsewhere}
          id={saver.id}
          onKeep={() => {
            // Over the other version, or (the draft is gone) as a new one.
            if (elsewhere === "discarded") saver.id = null;
            else keepMineRef.current = true;
            void saver.saveNow();
          }}
          onLeave={(href) => {
            leavingRef.current = true;
            if (href) location.assign(href);
            else location.reload();
          }}
        />
      )}
      <div class="composer-fields">
        {RECIPIENT_FIELDS.map((field) => {
          const toggles = field === "to" && (["cc", "bcc"] as const).filter((f) => !shown[f]);
          return (field === "to" || shown[field]) && (
            <RecipientRow
              key={field}
              id={`composer-${field}`}
              label={LABELS[field]}
              chips={form[field]}
              onChange={setRecipients(field)}
              error={errors[field] ?? null}
              inputRef={inputs[field]}
              commitRef={commits[field]}
              onType={() => clearError(field)}
              placeholder={field === "to" ? "Name or email" : undefined}
              after={toggles && toggles.length > 0 && toggles.map((f) => (
                <button
                  type="button"
                  class="composer-toggle"
                  onClick={() => focusField(f)}
                  aria-label={`Add ${LABELS[f]} recipients`}
                >
                  {LABELS[f]}
                </button>
              ))}
            />
          );
        })}
        <div class={`composer-row${errors.subject ? " has-error" : ""}`}>
          <label class="composer-label" for="composer-subject">Subject</label>
          <div class="composer-control">
            <input
              ref={inputs.subject}
              id="composer-subject"
              dir="auto"
              class="composer-subject"
              type="text"
              maxLength={MAX_SUBJECT_CHARS}
              autoComplete="off"
              value={form.subject}
              aria-invalid={errors.subject ? true : undefined}
              aria-describedby={errors.subject ? "composer-subject-error" : undefined}
              onInput={(e) => {
                update({ subject: e.currentTarget.value });
                if (!subjectCut.current) clearError("subject");
                subjectCut.current = false;
              }}
              // The browser cuts a paste to the maxlength without a word: say so (the server's limit too).
              onPaste={(e) => {
                const input = e.currentTarget;
                const pasted = e.clipboardData?.getData("text").replace(/[\r\n]+/g, "") ?? "";
                const selected = (input.selectionEnd ?? 0) - (input.selectionStart ?? 0);
                const over = input.value.length - selected + pasted.length - MAX_SUBJECT_CHARS;
                if (over <= 0) return;
                subjectCut.current = true;
                setErrors({
                  ...errorsRef.current,
                  subject:
                    `Subjects are at most ${MAX_SUBJECT_CHARS} characters: the last ${over} pasted were left out.`,
                });
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
            linkOpen={linkBox.isOpen}
            onFormat={(format) => editorRef.current?.toggle(format)}
            onLink={linkBox.toggle}
          />
          <button
            type="button"
            class="button button-ghost button-small composer-templates"
            aria-haspopup="dialog"
            aria-expanded={picking}
            onClick={() => void openTemplates()}
          >
            <Icon name="layout" size={16} />
            <span class="composer-templates-label">Templates</span>
          </button>
          {linkBox.box}
        </div>
        {form.template && (
          <p class="composer-template" data-testid="template-origin">
            From template: <strong>{form.template.name ?? "a template"}</strong> v{form.template.version}
            {" · "}
            <button type="button" class="link-button" onClick={() => void openTemplates()}>change</button>
          </p>
        )}
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

      <div class="composer-files" data-testid="attachments">
        <div class="files-bar">
          <button
            ref={attachRef}
            type="button"
            class="button button-secondary button-small"
            onClick={() => fileInput.current?.click()}
          >
            <Icon name="paperclip" size={16} />
            Attach files
          </button>
          <input
            ref={fileInput}
            type="file"
            id="composer-files"
            multiple
            hidden
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = "";
              void attach(files);
            }}
          />
          <span class="hint">
            or drop them here · up to {formatBytes(props.attachmentLimits.maxFileBytes)} each,{" "}
            {formatBytes(props.attachmentLimits.maxMessageBytes)} in all
          </span>
        </div>
        {Files && saver.id
          ? (
            <Files
              messageId={saver.id}
              initial={props.draft?.attachments ?? []}
              limits={props.attachmentLimits}
              followed={shownFollow === "following"}
              queue={queue}
              drops={drops}
              onBusy={(n) => uploads.current = n}
              onTouch={() => filesAt.current = Date.now()}
              attachRef={attachRef}
            />
          )
          : props.draft?.attachments.length
          ? (
            <ul class="files">
              {props.draft.attachments.map((a) => (
                <li key={a.blobId} class="file">
                  <span class="file-info">
                    <span class="file-name">{a.filename}</span>
                    <span class="file-size">{formatBytes(a.size)}</span>
                  </span>
                </li>
              ))}
            </ul>
          )
          : null}
      </div>

      <FollowPanel
        follow={shownFollow}
        blockedBy={server?.blockedBy ?? []}
        recipients={server?.recipients ?? []}
        count={count}
        sendIndividually={form.sendIndividually}
        individualError={errors.cc ? null : individualProblem(form)}
        busy={followBusy}
        untrackedLinks={untracked}
        onFollow={follow}
        onRetry={() => follow(true)}
        onIndividually={(value) => {
          update({ sendIndividually: value });
          clearError("cc");
        }}
      />

      {Alarms && saver.id
        ? (
          <Alarms
            messageId={saver.id}
            alarms={props.alarms}
            zone={props.zone}
            hours={props.hours}
            recipients={to.map((r) => ({
              email: r.email,
              name: r.name,
              zone: advice?.people.find((p) => p.email === r.email)?.zone ?? null,
            }))}
            followed={server?.follow === "following"}
            editable
            embedded
            autoStart={!props.alarms.length}
          />
        )
        : (
          <section class="composer-alarms alarms" aria-labelledby="alarms-title" data-testid="alarm-editor">
            <AlarmsHead onAdd={() => void openAlarms()} />
          </section>
        )}

      {advice && !later && <NowAdvice advice={advice} onLater={(at) => void openLater(at)} />}

      <div class="composer-footer">
        <button
          type="button"
          class="button button-primary composer-send"
          aria-disabled={busy || undefined}
          aria-keyshortcuts={mod === "⌘" ? "Meta+Enter" : "Control+Enter"}
          title={`Send (${mod === "⌘" ? "⌘↵" : "Ctrl+Enter"})`}
          onMouseDown={holdFocus}
          onClick={() => void send()}
        >
          {sending === "now"
            ? <span class="spinner spinner-light" aria-hidden="true" />
            : <Icon name="send" size={16} />}
          {sending === "now" ? "Sending…" : "Send"}
        </button>
        <button
          type="button"
          ref={laterRef}
          class="button button-secondary composer-later"
          aria-expanded={!!later}
          aria-disabled={busy || undefined}
          onMouseDown={holdFocus}
          onClick={() => {
            if (busy) return;
            if (later) closeLater();
            // Now is outside a recipient's hours: the panel opens at the time the advice suggests instead.
            else void openLater(betterThanNow(advice));
          }}
        >
          <Icon name="clock" size={16} />
          Send later
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
                  aria-disabled={discarding || undefined}
                  onClick={() => void discard()}
                >
                  {discarding ? "Discarding…" : "Discard"}
                </button>
                <button
                  ref={keepEditingRef}
                  type="button"
                  class="button button-ghost button-small"
                  aria-disabled={discarding || undefined}
                  onClick={() => !discarding && askDiscard(false)}
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
                aria-disabled={!!sending || undefined}
                onClick={() => !sending && askDiscard(true)}
              >
                Discard draft
              </button>
            )}
        </div>
      </div>

      {later && Panel && saver.id && (
        <Panel
          key={later.at}
          messageId={saver.id}
          zone={props.zone}
          hours={props.hours}
          initialAt={later.at}
          recipientsKey={toKey}
          title="Send later"
          submitLabel="Schedule send"
          busyLabel="Scheduling…"
          onSubmit={(at) => send(at)}
          onClose={closeLater}
        />
      )}

      {picking && Templates && (
        <Templates
          messageId={saver.id ?? undefined}
          contactId={saver.id ? undefined : form.to.find((c) => c.contactId)?.contactId ?? undefined}
          hasContent={!!(form.subject.trim() || htmlRef.current)}
          onInsert={insertTemplate}
          onClose={() => setPicking(false)}
        />
      )}
    </section>
  );
}

/** How many links of the body go out untracked because their text is their address. */
function untrackedIn(html: string): number {
  return html.includes("<a") ? untrackedLinks(new DOMParser().parseFromString(html, "text/html")) : 0;
}
