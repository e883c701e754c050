/// <reference lib="dom" />
/**
 * The composer's files: uploads with a progress bar (XMLHttpRequest, for upload progress), cancel while
 * uploading, "Tracked link / Attached" per file, remove, and each file's error. The size limits are checked
 * here first (the server checks again and answers 413 with its own message).
 *
 * A followed file is kept by Beacon and the email carries a tracked link to it; an unfollowed one is attached
 * as usual. An email that isn't followed attaches every file, so the choice is hidden then.
 *
 * Loaded on demand (the first file picked or dropped, or a draft that has files), so the compose page's
 * start-up JavaScript stays small. The composer keeps the "Attach files" button and the drop target.
 */
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { formatBytes } from "../../lib/attachments/files.ts";
import { api, ApiError } from "../../lib/browser/api.ts";
import { inPlaceOf, useReturnFocus } from "../../lib/browser/return_focus.ts";
import type { MessageAttachment } from "../../lib/messages/types.ts";
import { Icon } from "../../components/icons.tsx";

export interface FilesProps {
  /** The draft (it exists before anything is uploaded). */
  messageId: string;
  /** The draft's files when the page loaded. */
  initial: MessageAttachment[];
  limits: { maxFileBytes: number; maxMessageBytes: number };
  /** The email is followed: only then can a file go as a tracked link. */
  followed: boolean;
  /** Files picked or dropped, waiting to be uploaded: taken (emptied) whenever `drops` changes. */
  queue: File[];
  drops: number;
  /** How many uploads are under way (the composer doesn't send meanwhile). */
  onBusy(count: number): void;
  /** A request that changes the draft's files starts or ends (the draft's autosave may meet it). */
  onTouch(): void;
  /** The composer's "Attach files": the focus goes there when the last file is removed. */
  attachRef: RefObject<HTMLButtonElement | null>;
}

interface Item {
  key: number;
  name: string;
  size: number;
  /** What the server stored; null until the upload is done. */
  saved: MessageAttachment | null;
  /** Kept to try again after a failed upload. */
  file: File | null;
  /** 0–1 while uploading, else null. */
  progress: number | null;
  error: string | null;
  busy: boolean;
}

const NETWORK = "Can't reach Beacon. Check your connection and try again.";
let nextKey = 1;

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** POSTs the file as the request body, reporting progress; `abort` cancels. */
function send(messageId: string, file: File, onProgress: (share: number) => void) {
  const xhr = new XMLHttpRequest();
  const done = new Promise<MessageAttachment>((resolve, reject) => {
    xhr.open("POST", `/api/messages/${messageId}/attachments?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("x-csrf-token", csrfToken());
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let data: { error?: { code?: string; message?: string } } | null = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        // not JSON (a proxy's error page): the status says enough
      }
      if (xhr.status === 201 && data) return resolve(data as MessageAttachment);
      reject(
        new ApiError(
          xhr.status,
          data?.error?.code ?? "error",
          data?.error?.message ??
            (xhr.status === 413 ? "This file is too large." : `Upload failed (${xhr.status}).`),
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, "network", NETWORK));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "Cancelled."));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** An API call that changes the draft's files; retried once when it met a draft save (409). */
async function change<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await api<T>(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    return await api<T>(method, path, body);
  }
}

export default function Files(p: FilesProps) {
  const [items, setItems] = useState<Item[]>(() =>
    p.initial.map((a) => ({
      key: nextKey++,
      name: a.filename,
      size: a.size,
      saved: a,
      file: null,
      progress: null,
      error: null,
      busy: false,
    }))
  );
  const [said, say] = useState("");
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const aborts = useRef(new Map<number, () => void>());

  const patch = (key: number, change: Partial<Item>) =>
    setItems((list) => list.map((i) => i.key === key ? { ...i, ...change } : i));
  // A removed file takes its × (and the focus) with it: the focus goes to the file now in its place, or to
  // "Attach files" when none is left.
  const focus = useReturnFocus();
  const listRef = useRef<HTMLUListElement>(null);
  const drop = (key: number) => {
    const index = itemsRef.current.findIndex((i) => i.key === key);
    setItems((list) => list.filter((i) => i.key !== key));
    focus.restore(() =>
      inPlaceOf(listRef.current?.querySelectorAll(".file") ?? [], index) ?? p.attachRef.current
    );
  };

  function upload(key: number, file: File) {
    const request = send(p.messageId, file, (share) => patch(key, { progress: share }));
    aborts.current.set(key, request.abort);
    p.onTouch();
    request.done.then(
      (saved) => {
        patch(key, { saved, file: null, progress: null });
        say(`${file.name} is attached.`);
      },
      (error: ApiError) => {
        if (error.code === "aborted") return drop(key);
        // Only trouble on the way (network, server) is worth trying again; a refusal stays refused.
        const again = error.status === 0 || error.status >= 500;
        patch(key, { progress: null, error: error.message, file: again ? file : null });
        say(`${file.name}: ${error.message}`);
      },
    ).finally(() => {
      aborts.current.delete(key);
      p.onTouch();
    });
  }

  /** Checks the limits, then uploads what fits; what doesn't is listed with the reason. */
  function add(files: File[]) {
    const { maxFileBytes, maxMessageBytes } = p.limits;
    let used = itemsRef.current.reduce((n, i) => i.error ? n : n + i.size, 0);
    const added: Item[] = [];
    for (const file of files) {
      const item: Item = {
        key: nextKey++,
        name: file.name,
        size: file.size,
        saved: null,
        file,
        progress: 0,
        error: null,
        busy: false,
      };
      if (file.size > maxFileBytes) {
        item.error = `Files can be at most ${formatBytes(maxFileBytes)}.`;
      } else if (used + file.size > maxMessageBytes) {
        item.error = `Attachments on one email can total at most ${formatBytes(maxMessageBytes)}; ` +
          `${formatBytes(Math.max(0, maxMessageBytes - used))} is left.`;
      } else {
        used += file.size;
      }
      if (item.error) {
        item.progress = null;
        item.file = null;
      }
      added.push(item);
    }
    setItems((list) => [...list, ...added]);
    for (const item of added) if (item.file) upload(item.key, item.file);
    const refused = added.filter((i) => i.error);
    if (refused.length) say(refused.map((i) => `${i.name}: ${i.error}`).join(" "));
  }

  useEffect(() => {
    const files = p.queue.splice(0);
    if (files.length) add(files);
  }, [p.drops]);

  useEffect(() => p.onBusy(items.filter((i) => i.progress !== null).length), [items]);
  useEffect(() => () => {
    for (const abort of aborts.current.values()) abort();
    p.onBusy(0);
  }, []);

  // The follow choice shows at once; requests go one at a time per file, the last choice winning.
  const wanted = useRef(new Map<number, boolean>());
  const syncing = useRef(new Set<number>());

  async function setFollowed(item: Item, followed: boolean) {
    const saved = item.saved!;
    patch(item.key, { saved: { ...saved, followed }, error: null });
    wanted.current.set(item.key, followed);
    if (syncing.current.has(item.key)) return;
    syncing.current.add(item.key);
    p.onTouch();
    let stored = saved.followed;
    try {
      while (wanted.current.get(item.key) !== stored) {
        const next = await change<MessageAttachment>(
          "PATCH",
          `/messages/${p.messageId}/attachments/${saved.blobId}`,
          { followed: wanted.current.get(item.key) },
        );
        stored = next.followed;
      }
    } catch (error) {
      wanted.current.set(item.key, stored);
      patch(item.key, { saved: { ...saved, followed: stored }, error: (error as Error).message });
    } finally {
      syncing.current.delete(item.key);
      p.onTouch();
    }
  }

  async function remove(item: Item) {
    if (item.busy) return;
    if (item.progress !== null) return aborts.current.get(item.key)?.();
    if (!item.saved) return drop(item.key);
    patch(item.key, { busy: true, error: null });
    p.onTouch();
    try {
      await change("DELETE", `/messages/${p.messageId}/attachments/${item.saved.blobId}`).catch((e) => {
        if (!(e instanceof ApiError && e.status === 404)) throw e; // already gone
      });
      drop(item.key);
      say(`${item.name} removed.`);
    } catch (error) {
      patch(item.key, { busy: false, error: (error as Error).message });
    } finally {
      p.onTouch();
    }
  }

  const retry = (item: Item) => {
    const file = item.file ?? null;
    if (!file) return;
    patch(item.key, { error: null, progress: 0 });
    upload(item.key, file);
  };

  const anySaved = items.some((i) => i.saved);
  return (
    <>
      {items.length > 0 && (
        <ul class="files" aria-label="Attachments" ref={listRef}>
          {items.map((item) => {
            const state = item.progress !== null ? "uploading" : item.saved ? "done" : "error";
            const pct = Math.round((item.progress ?? 0) * 100);
            return (
              <li key={item.key} class={`file file-${state}`} data-state={state} data-testid="file">
                <span class="file-icon" aria-hidden="true">
                  <Icon name="file" />
                </span>
                <span class="file-info">
                  {item.saved
                    ? (
                      <a
                        class="file-name"
                        href={`/api/messages/${p.messageId}/attachments/${item.saved.blobId}`}
                        target="_blank"
                        rel="noopener"
                      >
                        {item.name}
                      </a>
                    )
                    : <span class="file-name">{item.name}</span>}
                  <span class="file-size">
                    {state === "uploading" ? `${pct}% of ${formatBytes(item.size)}` : formatBytes(item.size)}
                  </span>
                </span>
                {state === "uploading" && (
                  <progress
                    class="file-progress"
                    max={100}
                    value={pct}
                    aria-label={`Uploading ${item.name}`}
                  />
                )}
                {item.saved && p.followed && (
                  <fieldset class="file-mode">
                    <legend class="sr-only">Send {item.name} as</legend>
                    <label class={item.saved.followed ? "is-on" : undefined}>
                      <input
                        type="radio"
                        name={`file-mode-${item.key}`}
                        checked={item.saved.followed}
                        onChange={() => void setFollowed(item, true)}
                      />
                      Tracked link
                    </label>
                    <label class={item.saved.followed ? undefined : "is-on"}>
                      <input
                        type="radio"
                        name={`file-mode-${item.key}`}
                        checked={!item.saved.followed}
                        onChange={() => void setFollowed(item, false)}
                      />
                      Attached
                    </label>
                  </fieldset>
                )}
                {item.saved && !p.followed && <span class="file-plain">Attached</span>}
                <span class="file-actions">
                  {item.error && item.file && (
                    <button
                      type="button"
                      class="button button-ghost button-small"
                      onClick={() => retry(item)}
                    >
                      Try again
                    </button>
                  )}
                  <button
                    type="button"
                    class="file-remove"
                    aria-disabled={item.busy || undefined}
                    aria-label={`${state === "uploading" ? "Cancel uploading" : "Remove"} ${item.name}`}
                    title={state === "uploading" ? "Cancel" : "Remove"}
                    onClick={() => void remove(item)}
                  >
                    <Icon name="x" size={16} />
                  </button>
                </span>
                {item.error && <p class="error-text">{item.error}</p>}
              </li>
            );
          })}
        </ul>
      )}
      {anySaved && (
        <p class="files-note hint" data-testid="files-note">
          {p.followed
            ? "Tracked link: Beacon keeps the file and the email links to it, so you see when it's opened. Attached: sent with the email as usual."
            : "This email isn't followed, so every file is attached to it as usual."}
        </p>
      )}
      <p class="sr-only" role="status">{said}</p>
    </>
  );
}
