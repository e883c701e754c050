/** Helpers for HTML form posts: read fields as strings, and turn validation failures into re-renders. */
import type { Context } from "hono";
import { AppError, type FieldErrors } from "../lib/http/errors.ts";
import type { AppEnv } from "./deps.ts";

/** The posted form's text fields (files and the CSRF token left out). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "_csrf" && typeof value === "string") out[key] = value;
  }
  return out;
}

/**
 * Runs `action`; when it fails with field errors (or a conflict), returns them
 * so the page can show the form again with what the user typed. Other errors propagate.
 */
export async function tryForm<T>(
  action: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors; status: 400 | 409 | 429 }> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (error instanceof AppError && (error.status === 400 || error.status === 409 || error.status === 429)) {
      return { ok: false, errors: { _: error.message, ...error.fields }, status: error.status };
    }
    throw error;
  }
}
