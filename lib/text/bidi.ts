/**
 * Text people typed (names, subjects) set inside a line of Beacon's own ("To محمد +2 · from Ana"). Without help,
 * a right-to-left name pulls the text beside it into its run ("To 2+ محمد"), and a bidi control in it (U+202E
 * reverses everything after it) can make a line read as something else. Pure.
 */

/** Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms). */
const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]|[\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/** Explicit embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * `text` isolated from what surrounds it, taking its direction from its first letter (FSI … PDI), when it
 * needs it: text with right-to-left letters or bidi controls. Left-to-right text is returned as it is. An
 * isolate also ends any embedding or override left open inside it.
 */
export function isolated(text: string): string {
  BIDI_CONTROLS.lastIndex = 0;
  return RTL_LETTER.test(text) || BIDI_CONTROLS.test(text) ? `\u2068${text}\u2069` : text;
}

/**
 * A single line of typed text without explicit bidi embeddings, overrides and isolates. They are not needed
 * to write Arabic or Hebrew (browsers order those by themselves); they are how a file name or subject is made
 * to display as something else ("invoice‮fdp.exe").
 */
export const withoutBidiControls = (text: string): string => text.replace(BIDI_CONTROLS, "");

/** The direction of `text`'s first letter, as `dir="auto"` works it out: null when it has no letter. */
export function firstLetterDirection(text: string): "ltr" | "rtl" | null {
  const letter = /\p{L}/u.exec(text)?.[0];
  return letter === undefined ? null : RTL_LETTER.test(letter) ? "rtl" : "ltr";
}
