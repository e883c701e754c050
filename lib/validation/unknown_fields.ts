/**
 * The fields of a JSON body its schema doesn't read. Zod drops unknown keys as it parses, so a key of the
 * raw body that the parsed value lacks is one no schema took: a typo (`subjet`) or a field of another
 * endpoint, which would otherwise be ignored without a word. Nested objects and arrays are compared too;
 * where parsing turned a value into something else (a string into a date, say), there is nothing to compare.
 * Paths are written as in validation errors: `recipients.0.nmae`.
 */
export function unknownFields(raw: unknown, parsed: unknown, path = ""): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    return raw.flatMap((item, i) => i < parsed.length ? unknownFields(item, parsed[i], `${path}${i}.`) : []);
  }
  if (!isRecord(raw) || !isRecord(parsed)) return [];
  return Object.keys(raw).flatMap((key) =>
    Object.hasOwn(parsed, key) ? unknownFields(raw[key], parsed[key], `${path}${key}.`) : [`${path}${key}`]
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
