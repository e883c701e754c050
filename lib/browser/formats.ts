/**
 * The rich-text formats a toolbar shows as on or off. Kept apart from editor.ts, which islands load on
 * demand (Tiptap is the compose page's one heavy dependency): islands import these eagerly.
 */
export const FORMATS = [
  "bold",
  "italic",
  "underline",
  "bulletList",
  "orderedList",
  "blockquote",
  "link",
] as const;
export type FormatName = typeof FORMATS[number];
export type ActiveFormats = Record<FormatName, boolean>;

export const NO_FORMATS: ActiveFormats = Object.fromEntries(FORMATS.map((f) => [f, false])) as ActiveFormats;

export const sameFormats = (a: ActiveFormats, b: ActiveFormats) => FORMATS.every((f) => a[f] === b[f]);
