/** One exception type for everything a request can get wrong; mapped to responses in one `onError`. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "Not found") => new AppError(404, "not_found", what);

export const invalid = (fields: FieldErrors, message = "Please correct the highlighted fields.") =>
  new AppError(400, "validation", message, fields);

export const conflict = (message: string, fields?: FieldErrors) =>
  new AppError(409, "conflict", message, fields);

export const forbidden = (message = "You do not have permission to do that.") =>
  new AppError(403, "forbidden", message);

/** Turns a zod issue list into `{ "field.path": "message" }`, first message per field. */
export function fieldErrorsFromIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}
