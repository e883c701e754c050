/// <reference lib="dom" />
/** Islands call the JSON API with the page's session and its CSRF token (from the csrf-token meta tag). */
import { newestRead } from "./newest_read.ts";

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

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: "same-origin",
      headers: {
        "content-type": "application/json",
        "x-csrf-token": csrfToken(),
        accept: "application/json",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "Can't reach Beacon. Check your connection; your work is kept here.");
  }
  if (response.status === 204) return undefined as T;
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
  return data as T;
}

/**
 * A message as the API has it now, re-read after a live event (null when the read failed). Reads of one
 * message answer with the newest of them, so a slow early read never puts an older state back.
 */
export function readMessage<T>(id: string): Promise<T | null> {
  return newestRead(`message:${id}`, () => api<T>("GET", `/messages/${id}`).catch(() => null));
}
