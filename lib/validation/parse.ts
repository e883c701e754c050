import type { z } from "zod";
import { fieldErrorsFromIssues, invalid } from "../http/errors.ts";

/** Parses input with a schema; failures become a 400 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(fieldErrorsFromIssues(result.error.issues));
  return result.data;
}

/**
 * A parsed patch without its absent fields, to spread over what it changes (an explicit `undefined`
 * passes `.optional()` and would otherwise overwrite).
 */
export function presentFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
