/** Shortening text for one line of a toast or a notification. Pure. */

/** `text` cut to at most `max` characters with "…", at a word when one ends in its second half. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
