/// <reference lib="dom" />
/** Islands call the JSON API with the page's session and its CSRF token (from the csrf-token meta tag). */
import { markMissed } from "./live.ts";
import { newestRead } from "./newest_read.ts";
import { reread } from "./reread.ts";
import { showToast } from "./toast.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** Browsers refuse a `keepalive` request whose body is larger (64 KiB, counting all such requests in flight). */
const KEEPALIVE_BODY_BYTES = 64 * 1024;

/**
 * Calls the JSON API. `keepalive`: the request is to outlive the page (sent as it is hidden or left); a body too
 * large for that goes as a plain request, which the server usually still receives before the page is gone.
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { keepalive?: boolean; headers?: Record<string, string> } = {},
): Promise<T> {
  return (await apiAnswer<T>(method, path, body, options)).data;
}

/** `api`, with the answer's status and headers too. */
export async function apiAnswer<T>(
  method: string,
  path: string,
  body?: unknown,
  { keepalive = false, headers = {} }: { keepalive?: boolean; headers?: Record<string, string> } = {},
): Promise<{ data: T; status: number; headers: Headers }> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: "same-origin",
      headers: {
        ...headers,
        "content-type": "application/json",
        "x-csrf-token": csrfToken(),
        accept: "application/json",
      },
      body: json,
      keepalive: keepalive && new Blob([json ?? ""]).size <= KEEPALIVE_BODY_BYTES,
    });
  } catch {
    throw new ApiError(0, "network", "Can't reach Beacon. Check your connection; your work is kept here.");
  }
  if (response.status === 401) throw sessionEnded();
  const answer = (data: unknown) => ({ data: data as T, status: response.status, headers: response.headers });
  if (response.status === 204) return answer(undefined);
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? `Request failed (${response.status}).`,
      error.fields,
    );
  }
  return answer(data);
}

/**
 * The session ended (signed out in another tab, or it expired): the seller is offered to sign in and come
 * back to this page; the island's own error toast, with the same words, isn't shown a second time.
 */
function sessionEnded(): ApiError {
  const text = "Your session ended. Sign in again to carry on.";
  const here = location.pathname + location.search;
  showToast({ kind: "error", text, href: `/signin?next=${encodeURIComponent(here)}`, linkText: "Sign in" });
  return new ApiError(401, "unauthorized", text);
}

/**
 * A message as the API has it now, re-read after a live event (null when it is gone, or could not be read
 * after a few tries: the header then says updates were missed). Reads of one message answer with the newest of
 * them, so a slow early read never puts an older state back.
 */
export function readMessage<T>(id: string): Promise<T | null> {
  return newestRead(
    `message:${id}`,
    () => reread(() => api<T>("GET", `/messages/${id}`), { gaveUp: markMissed }),
  );
}
