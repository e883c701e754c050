/**
 * Merge fields in email templates: `{{contact.first_name}}`, `{{contact.company | "your team"}}`. Pure: plain
 * values in, plain values out (see docs/TEMPLATE_RECOMMENDATIONS.md, "Merge fields").
 *
 * Syntax
 * - `{{ name }}`: whitespace inside the braces is ignored; names are matched case-insensitively.
 * - `{{ name | "fallback" }}` or `{{ name | 'fallback' }}` (curly quotes “…” and ‘…’ work too): the fallback is
 *   used when the value is empty. A fallback cannot contain its own quote character: use the other style.
 *   `""` is an explicit, deliberate empty fallback.
 * - `\{{` is a literal `{{` (the backslash is removed). `}}` outside a field is ordinary text.
 *
 * Errors (unknown field, empty `{{}}`, a `{{` that is never closed, an unquoted fallback, …) are reported with
 * their offsets in the input, so an editor can mark them; an unknown field suggests the nearest known one.
 *
 * Rendering never leaves a blank gap: a field whose value is empty uses its fallback, and one without a
 * fallback is listed in `missing` (the caller refuses to send and shows the list).
 */

export interface MergeField {
  name: string;
  label: string;
  example: string;
}

/** The fields a seller can insert, in menu order. */
export const MERGE_FIELDS: MergeField[] = [
  { name: "contact.first_name", label: "Contact first name", example: "Ana" },
  { name: "contact.last_name", label: "Contact last name", example: "Lima" },
  { name: "contact.full_name", label: "Contact full name", example: "Ana Lima" },
  { name: "contact.email", label: "Contact email", example: "ana.lima@globex.example" },
  { name: "contact.title", label: "Contact job title", example: "Head of Sales" },
  { name: "contact.company", label: "Contact's company", example: "Globex" },
  { name: "contact.industry", label: "Company industry", example: "Logistics" },
  { name: "sender.name", label: "Your name", example: "Sam Rivera" },
  { name: "sender.first_name", label: "Your first name", example: "Sam" },
  { name: "sender.email", label: "Your email", example: "sam@beacon.example" },
];

/** Other spellings accepted when parsing (not offered in menus): alias → field. */
export const MERGE_FIELD_ALIASES: Record<string, string> = {
  "company.name": "contact.company",
  "company.industry": "contact.industry",
};

/** Likely intents that edit distance alone would not find: written name → suggested field. */
const SUGGESTION_HINTS: Record<string, string> = {
  "name": "contact.first_name",
  "contact.name": "contact.full_name",
  "first": "contact.first_name",
  "sender": "sender.name",
  "company": "contact.company",
  "contact.job_title": "contact.title",
  "contact.company_name": "contact.company",
};

export interface MergeContext {
  /** The one recipient's contact; null when there is none (e.g. one copy shared by several recipients). */
  contact?: {
    firstName: string;
    lastName: string;
    email: string;
    title: string;
    company: string | null;
    industry: string | null;
  } | null;
  sender: { name: string; email: string };
}

export type Token =
  | { type: "text"; value: string }
  | { type: "field"; name: string; fallback: string | null; raw: string; start: number; end: number };

export interface MergeError {
  message: string;
  /** Offsets in the input (UTF-16 code units), end exclusive. */
  start: number;
  end: number;
  raw: string;
}

export interface ParseOptions {
  /**
   * The input is HTML source (the template body): character references inside `{{…}}` are decoded (the
   * editor stores `&nbsp;`, and `&quot;` inside attributes), and a field may not contain markup.
   */
  html?: boolean;
}

const KNOWN = new Set(MERGE_FIELDS.map((f) => f.name));
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const QUOTES: Record<string, string> = { '"': '"', "'": "'", "“": "”", "‘": "’", "”": "”", "’": "’" };
const LITERAL = "\\{{";
const SNIPPET = 40;

/** A field's canonical name, or null when unknown. Case-insensitive; aliases resolve to their field. */
export function resolveField(name: string): string | null {
  const lower = name.toLowerCase();
  if (KNOWN.has(lower)) return lower;
  return MERGE_FIELD_ALIASES[lower] ?? null;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The known field nearest to an unknown name, or null when none is close: hints first, then the smallest edit
 * distance (a name without a namespace is also tried under `contact.`), at most a third of the length of the
 * field's last part (at least 1), so `contact.phone` suggests nothing rather than `contact.title`. Ties go to the
 * earlier field in MERGE_FIELDS.
 */
export function suggestField(name: string): string | null {
  const lower = name.toLowerCase().trim().replace(/[\s-]+/g, "_");
  const hint = SUGGESTION_HINTS[lower];
  if (hint) return hint;
  const tries = lower.includes(".") ? [lower] : [lower, `contact.${lower}`];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const field of [...MERGE_FIELDS.map((f) => f.name), ...Object.keys(MERGE_FIELD_ALIASES)]) {
    const limit = Math.max(1, Math.floor(field.slice(field.lastIndexOf(".") + 1).length / 3));
    for (const attempt of tries) {
      const distance = editDistance(attempt, field);
      if (distance <= limit && distance < bestDistance) {
        best = field;
        bestDistance = distance;
      }
    }
  }
  return best;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ldquo: "“",
  rdquo: "”",
  lsquo: "‘",
  rsquo: "’",
};

/** Decodes the character references an editor or sanitizer writes (numeric and a few named ones). */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

function snippet(text: string): string {
  const line = text.split(/[\r\n<]/)[0];
  return line.length > SNIPPET ? line.slice(0, SNIPPET - 1) + "…" : line;
}

type FieldParse = { ok: true; name: string; fallback: string | null } | { ok: false; message: string };

/** The inside of one `{{…}}` (already decoded); `raw` is the whole field as written, for messages. */
function parseField(content: string, raw: string): FieldParse {
  const fail = (message: string): FieldParse => ({ ok: false, message });
  if (content.trim() === "") {
    return fail(`Empty merge field ${raw} — pick a field from the list, or write \\{{ for literal braces.`);
  }
  if (content.trimStart().startsWith("{")) {
    return fail(
      `${raw} has too many braces — a merge field is written with two, e.g. {{contact.first_name}}.`,
    );
  }
  const pipe = content.indexOf("|");
  const name = (pipe < 0 ? content : content.slice(0, pipe)).trim();
  if (name === "") return fail(`${raw} needs a field name before the |.`);
  const unpiped = /^(\S+)\s+["'“‘]/.exec(name);
  if (unpiped && pipe < 0) {
    return fail(
      `Put a | between the field and its fallback: {{${unpiped[1]} | ${
        name.slice(unpiped[1].length).trim()
      }}}.`,
    );
  }
  if (!NAME.test(name)) {
    const suggestion = suggestField(name);
    return fail(
      `${raw} is not a merge field` + (suggestion ? ` — did you mean {{${suggestion}}}?` : "."),
    );
  }
  let fallback: string | null = null;
  if (pipe >= 0) {
    const rest = content.slice(pipe + 1).trim();
    if (rest === "") {
      return fail(`${raw} needs a fallback in quotes after the |, e.g. {{${name} | "there"}}.`);
    }
    const close = QUOTES[rest[0]];
    if (!close) {
      // Words before a quoted fallback (`| fallback: "there"`, `| default "there"`): suggest the quoted part.
      const quoted = /["'“‘]([^"'”’]*)["'”’]/.exec(rest)?.[1];
      return fail(
        `The fallback in ${raw} must be in quotes, e.g. {{${name} | "${quoted ?? snippet(rest)}"}}.`,
      );
    }
    const end = rest.indexOf(close, 1);
    if (end < 0) return fail(`The fallback in ${raw} has no closing quote.`);
    if (end !== rest.length - 1) {
      return fail(
        `Unexpected text after the fallback in ${raw} — a fallback cannot contain its own quote; use the other quote style.`,
      );
    }
    fallback = rest.slice(1, end);
  }
  const resolved = resolveField(name);
  if (!resolved) {
    const suggestion = suggestField(name);
    return fail(
      `Unknown field {{${name}}}` + (suggestion ? ` — did you mean {{${suggestion}}}?` : "."),
    );
  }
  return { ok: true, name: name.toLowerCase(), fallback };
}

/**
 * Splits a template into text and fields. Text tokens carry the source text (with `\{{` turned into `{{`);
 * anything in error stays in the text as written and is listed in `errors`.
 */
export function parseTemplate(
  text: string,
  options: ParseOptions = {},
): { tokens: Token[]; errors: MergeError[] } {
  const tokens: Token[] = [];
  const errors: MergeError[] = [];
  let buffer = "";
  const flush = () => {
    if (buffer) tokens.push({ type: "text", value: buffer });
    buffer = "";
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith(LITERAL, i)) {
      buffer += "{{";
      i += LITERAL.length;
      continue;
    }
    if (!text.startsWith("{{", i)) {
      buffer += text[i];
      i += 1;
      continue;
    }
    let close = text.indexOf("}}", i + 2);
    const reopen = text.indexOf("{{", i + 3);
    const triple = text[i + 2] === "{";
    if (close < 0 || (reopen >= 0 && reopen < close && !triple)) {
      const end = reopen >= 0 && (close < 0 || reopen < close) ? reopen : text.length;
      const raw = text.slice(i, end);
      errors.push({
        message: `${
          snippet(raw).trimEnd()
        } is not closed — end it with }}, or write \\{{ for literal braces.`,
        start: i,
        end,
        raw,
      });
      buffer += "{{";
      i += 2;
      continue;
    }
    if (triple && text[close + 2] === "}") close += 1;
    const end = close + 2;
    const raw = text.slice(i, end);
    let content = text.slice(i + 2, close);
    let result: FieldParse;
    if (options.html && /[<>]/.test(content)) {
      result = {
        ok: false,
        message: `${snippet(raw)}… has formatting inside it — retype the field as plain text.`,
      };
    } else {
      if (options.html) content = decodeEntities(content);
      result = parseField(content, options.html ? decodeEntities(raw) : raw);
    }
    if (result.ok) {
      flush();
      tokens.push({ type: "field", name: result.name, fallback: result.fallback, raw, start: i, end });
    } else {
      errors.push({ message: result.message, start: i, end, raw });
      buffer += raw;
    }
    i = end;
  }
  flush();
  return { tokens, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// Where a field sits in HTML

/** Attributes whose value is a URL: a field there is percent-encoded (then attribute-escaped). */
const URL_ATTRIBUTES = new Set(["href", "src", "cite", "action", "background", "poster", "formaction"]);

type HtmlPlace =
  | { kind: "text" }
  | { kind: "attribute"; name: string; url: boolean; valueStart: number }
  | { kind: "tag" };

interface Region {
  start: number;
  end: number;
  place: HtmlPlace;
}

/** Tags and their attribute values, found with a small scanner (enough for sanitized editor HTML). */
function htmlRegions(html: string): Region[] {
  const regions: Region[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    if (html.startsWith("<!--", lt)) {
      const close = html.indexOf("-->", lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    if (!/[A-Za-z/!?]/.test(html[lt + 1] ?? "")) {
      i = lt + 1;
      continue;
    }
    let j = lt + 1;
    while (j < html.length && !/[\s/>]/.test(html[j])) j++; // tag name
    while (j < html.length && html[j] !== ">") {
      if (/[\s/]/.test(html[j])) {
        j++;
        continue;
      }
      const nameStart = j;
      while (j < html.length && !/[\s=>/]/.test(html[j])) j++;
      const name = html.slice(nameStart, j).toLowerCase();
      while (j < html.length && /\s/.test(html[j])) j++;
      if (html[j] !== "=") continue;
      j++;
      while (j < html.length && /\s/.test(html[j])) j++;
      const quote = html[j];
      let valueStart: number;
      let valueEnd: number;
      if (quote === '"' || quote === "'") {
        valueStart = j + 1;
        const close = html.indexOf(quote, valueStart);
        valueEnd = close < 0 ? html.length : close;
        j = close < 0 ? html.length : close + 1;
      } else {
        valueStart = j;
        while (j < html.length && !/[\s>]/.test(html[j])) j++;
        valueEnd = j;
      }
      regions.push({
        start: valueStart,
        end: valueEnd,
        place: { kind: "attribute", name, url: URL_ATTRIBUTES.has(name), valueStart },
      });
    }
    regions.push({ start: lt, end: Math.min(j + 1, html.length), place: { kind: "tag" } });
    i = j + 1;
  }
  return regions;
}

function placeOf(regions: Region[], start: number, end: number): HtmlPlace {
  const attribute = regions.find((r) => r.place.kind === "attribute" && r.start <= start && end <= r.end);
  if (attribute) return attribute.place;
  const tag = regions.find((r) => r.place.kind === "tag" && r.start < end && start < r.end);
  return tag ? tag.place : { kind: "text" };
}

interface Parsed {
  tokens: Token[];
  errors: MergeError[];
  places: Map<Token, HtmlPlace>;
}

/** Parses the HTML body and checks where each field sits; misplaced fields become errors (and text). */
function parseHtml(html: string): Parsed {
  const { tokens, errors } = parseTemplate(html, { html: true });
  const regions = htmlRegions(html);
  const places = new Map<Token, HtmlPlace>();
  const checked: Token[] = [];
  for (const token of tokens) {
    if (token.type === "field") {
      const place = placeOf(regions, token.start, token.end);
      if (place.kind === "tag") {
        errors.push({
          ...span(token),
          message: `${token.raw} is inside an HTML tag — move it into the text.`,
        });
        checked.push({ type: "text", value: token.raw });
        continue;
      }
      if (
        place.kind === "attribute" && place.url && html.slice(place.valueStart, token.start).trim() === ""
      ) {
        errors.push({
          ...span(token),
          message: `A link cannot start with ${token.raw} — write the address first, e.g. ` +
            `https://example.com/?email={{contact.email}}.`,
        });
        checked.push({ type: "text", value: token.raw });
        continue;
      }
      places.set(token, place);
    }
    checked.push(token);
  }
  errors.sort((a, b) => a.start - b.start);
  return { tokens: checked, errors, places };
}

function span(token: Extract<Token, { type: "field" }>) {
  return { start: token.start, end: token.end, raw: token.raw };
}

function joinMessages(errors: MergeError[]): string {
  return [...new Set(errors.map((e) => e.message))].join(" ");
}

/**
 * Errors for a template form, by field name: `{ subject: "…", html: "…" }` with each part's messages joined;
 * `{}` when both parts are fine.
 */
export function validateTemplate(subject: string, html: string): Record<string, string> {
  const result: Record<string, string> = {};
  const subjectErrors = parseTemplate(subject).errors;
  const htmlErrors = parseHtml(html).errors;
  if (subjectErrors.length) result.subject = joinMessages(subjectErrors);
  if (htmlErrors.length) result.html = joinMessages(htmlErrors);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/** The value of a known (canonical) field, trimmed; "" when there is none. */
export function fieldValue(name: string, ctx: MergeContext): string {
  const contact = ctx.contact ?? null;
  const value = (() => {
    switch (resolveField(name)) {
      case "contact.first_name":
        return contact?.firstName;
      case "contact.last_name":
        return contact?.lastName;
      case "contact.full_name":
        return contact ? [contact.firstName.trim(), contact.lastName.trim()].filter(Boolean).join(" ") : "";
      case "contact.email":
        return contact?.email;
      case "contact.title":
        return contact?.title;
      case "contact.company":
        return contact?.company;
      case "contact.industry":
        return contact?.industry;
      case "sender.name":
        return ctx.sender.name;
      case "sender.first_name":
        return ctx.sender.name.trim().split(/\s+/)[0];
      case "sender.email":
        return ctx.sender.email;
      default:
        return "";
    }
  })();
  return (value ?? "").trim();
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Percent-encodes a value for any part of a URL (path, query, fragment, mailto); `@` is kept readable. */
export function encodeUrlValue(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, "@");
}

/** Control characters (line breaks, tabs) in a header value become one space each run. */
function plainLine(value: string): string {
  // deno-lint-ignore no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ");
}

export interface Rendered {
  subject: string;
  html: string;
  /** Fields with an empty value and no fallback, in order of first use (names as written, lower-cased). */
  missing: string[];
  /** Parse errors in either part (as validateTemplate reports them); the caller refuses to send when non-empty. */
  errors: string[];
}

/**
 * Renders subject (plain text) and body (HTML). Values are HTML-escaped in the body and not in the subject (where
 * line breaks become spaces); inside URL attributes (href, src, …) they are percent-encoded and then
 * attribute-escaped; inside other attributes (title, alt) attribute-escaped. A field with an empty value uses its
 * fallback; with no fallback it is listed in `missing` and left as written (`{{contact.first_name}}`), so a
 * preview shows where it is — never a blank gap.
 */
export function renderTemplate(subject: string, html: string, ctx: MergeContext): Rendered {
  const missing: string[] = [];
  const value = (token: Extract<Token, { type: "field" }>): string | null => {
    const found = fieldValue(token.name, ctx);
    if (found !== "") return found;
    if (token.fallback !== null) return token.fallback.trim();
    if (!missing.includes(token.name)) missing.push(token.name);
    return null;
  };

  const subjectParsed = parseTemplate(subject);
  const subjectOut = subjectParsed.tokens.map((token) => {
    if (token.type === "text") return token.value;
    const v = value(token);
    return v === null ? token.raw : plainLine(v);
  }).join("");

  const body = parseHtml(html);
  const htmlOut = body.tokens.map((token) => {
    if (token.type === "text") return token.value;
    const v = value(token);
    if (v === null) return token.raw;
    const place = body.places.get(token);
    return place?.kind === "attribute" && place.url ? escapeHtml(encodeUrlValue(v)) : escapeHtml(v);
  }).join("");

  const errors = [...new Set([...subjectParsed.errors, ...body.errors].map((e) => e.message))];
  return { subject: subjectOut, html: htmlOut, missing, errors };
}

/**
 * What every page says about merge fields with nothing to fill them (the picker, the editor's preview, a
 * template's page): for whom, the fields, then this.
 */
export const missingNote = (whose: string) => `Nothing to fill in for ${whose}: `;
export const MISSING_ADVICE =
  ". They stay as written: add a fallback to the template, or fill them in on the contact.";
