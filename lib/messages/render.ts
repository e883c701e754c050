/**
 * From what a seller wrote in the editor to the email that goes out. Pure: plain values in, plain values out.
 *
 * - `sanitizeEmailHtml` is the one allowlist: everything stored, shown or sent passes through it.
 * - `collectLinks` numbers the http(s) destinations; a link's index is its tracking link index. A link whose
 *   text is a web address is never tracked (see `showsAddress` in link_text.ts).
 * - `renderEmail` sanitizes again, swaps each http(s) href for its tracked URL, adds the open pixel
 *   and builds the plain-text alternative.
 *
 * Rewriting works on the sanitized output, with the same parser, so a tracked URL can only ever replace an
 * href that already passed the scheme check.
 */
// @ts-types="@types/sanitize-html"
import sanitizeHtml from "sanitize-html";
// @ts-types="@types/html-to-text"
import { compile } from "html-to-text";
// @ts-types="@types/html-to-text"
import type { FormatCallback, HtmlToTextOptions } from "html-to-text";
import { firstLetterDirection } from "../text/bidi.ts";
import { showsAddress, TRACKABLE_SCHEME } from "./link_text.ts";

export interface RenderOptions {
  /** null for a message that is not followed: no pixel, links untouched. */
  tracking: null | {
    /** Absolute URL of the open pixel. */
    pixelUrl: string;
    /** Tracked redirect URL for each entry of collectLinks(html), same order. */
    linkUrls: string[];
    /**
     * A hidden link no person can see or reach (not displayed, not focusable, not in the text
     * part): only machines that follow every link in an email click it.
     */
    honeypotUrl?: string;
  };
  /** Optional footer lines (plain text) appended to both parts, e.g. a tracking notice; may be empty. */
  footer?: { text: string; linkText?: string; linkUrl?: string }[];
}

const LINK_SCHEME = /^(?:https?|mailto|tel):/i;
const HONEYPOT = "display:none;max-height:0;overflow:hidden;font-size:0;line-height:0;mso-hide:all;";
const IMAGE_SCHEME = /^(?:https?|cid):/i;

const DIR = { name: "dir", values: ["ltr", "rtl", "auto"] };
const ALIGN = { name: "align", values: ["left", "center", "right", "justify"] };

const ALLOWED_TAGS = [
  "p",
  "div",
  "blockquote",
  "h1",
  "h2",
  "h3",
  "pre",
  "ul",
  "ol",
  "li",
  "table",
  "br",
  "hr",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "a",
  "code",
  "span",
  "img",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
];

const ALLOWED_ATTRIBUTES: Record<string, sanitizeHtml.AllowedAttribute[]> = {
  a: ["href", "title", "rel", "target"],
  img: ["src", "alt", "title", "width", "height"],
  p: [DIR, ALIGN],
  div: [DIR, ALIGN],
  h1: [DIR, ALIGN],
  h2: [DIR, ALIGN],
  h3: [DIR, ALIGN],
  blockquote: [DIR],
  pre: [DIR],
  ul: [DIR],
  ol: ["start", { name: "type", values: ["1", "a", "A", "i", "I"] }, DIR],
  li: [DIR],
  table: [DIR],
  th: ["colspan", "rowspan", ALIGN, DIR],
  td: ["colspan", "rowspan", ALIGN, DIR],
  span: [DIR],
};

/**
 * Elements whose whole content goes with them: code, styling, embedded documents, form controls and the
 * `<head>` (and `<title>`) of a pasted document. Everything else that is not allowed is unwrapped.
 */
const DROP_WITH_CONTENT = [
  "script",
  "style",
  "textarea",
  "option",
  "select",
  "xmp",
  "noscript",
  "noembed",
  "noframes",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "template",
  "svg",
  "math",
  "head",
  "title",
  "xml",
  "button",
];

type Attributes = Record<string, string>;
type TagResult = { tagName: string; attribs: Attributes };
type Transform = (tagName: string, attribs: Attributes) => TagResult;

/** A tag stripped of everything: `bareTag` then drops it and keeps its text. */
function unwrap(tagName: string): { tagName: string; attribs: Attributes } {
  return { tagName, attribs: {} };
}

/**
 * The attribute without which a tag is pointless: an `<a>` whose href was refused loses its tag, not its text;
 * an `<img>` without a safe src goes; a `<span>` with nothing left (Gmail's styled spans) is unwrapped.
 */
const REQUIRED: Record<string, string> = { a: "href", img: "src", span: "dir" };

function bareTag(frame: sanitizeHtml.IFrame): boolean | "excludeTag" {
  const required = REQUIRED[frame.tag];
  return required !== undefined && !frame.attribs[required] ? "excludeTag" : false;
}

function keep(attribs: Attributes, names: string[]): Attributes {
  const kept: Attributes = {};
  for (const name of names) if (attribs[name] !== undefined) kept[name] = attribs[name];
  return kept;
}

const anchor: Transform = (tag, attribs) => {
  const href = (attribs.href ?? "").trim();
  if (!LINK_SCHEME.test(href)) return unwrap(tag);
  return {
    tagName: tag,
    attribs: { ...keep(attribs, ["title"]), href, rel: "noopener noreferrer", target: "_blank" },
  };
};

const image: Transform = (tag, attribs) => {
  const src = (attribs.src ?? "").trim();
  if (!IMAGE_SCHEME.test(src)) return unwrap(tag);
  return { tagName: tag, attribs: { ...keep(attribs, ["alt", "title", "width", "height"]), src } };
};

const span: Transform = (tag, attribs) => {
  if (!DIR.values.includes(attribs.dir)) return unwrap(tag);
  return { tagName: tag, attribs: { dir: attribs.dir } };
};

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["http", "https", "cid"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: DROP_WITH_CONTENT,
  selfClosing: ["br", "hr", "img"],
  enforceHtmlBoundary: false,
  transformTags: { a: anchor, img: image, span },
  exclusiveFilter: bareTag,
};

/** Cleans editor HTML for storage and display (see the allowlist above). Idempotent. */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE).trim();
}

interface Anchor {
  href: string;
  /** Its text is a web address: the link is never tracked. */
  showsAddress: boolean;
}

/** Every anchor of sanitized HTML, in document order, read with the sanitizer's own parser. */
function anchors(html: string): Anchor[] {
  const found: Anchor[] = [];
  const open: Anchor[] = [];
  sanitizeHtml(html, {
    ...SANITIZE,
    transformTags: {
      ...SANITIZE.transformTags,
      a: (tagName, attribs) => {
        const result = anchor(tagName, attribs);
        if (result.attribs.href) {
          const link = { href: result.attribs.href, showsAddress: false };
          found.push(link);
          open.push(link);
        }
        return result;
      },
    },
    exclusiveFilter: (frame) => {
      const link = frame.tag === "a" && frame.attribs.href ? open.pop() : undefined;
      if (link) link.showsAddress = showsAddress(frame.text);
      return bareTag(frame);
    },
  });
  return found;
}

/**
 * Distinct http(s) link destinations in document order; the index of each is its tracking link index.
 * Input is already-sanitized HTML. Hrefs are compared after trimming only. A link whose text is a web address
 * is not tracked, so its destination is listed only if another link to it is.
 */
export function collectLinks(html: string): string[] {
  const links: string[] = [];
  for (const { href, showsAddress: untracked } of anchors(html)) {
    if (!untracked && TRACKABLE_SCHEME.test(href) && !links.includes(href)) links.push(href);
  }
  return links;
}

/** Inline styles added to the outgoing copy only (stored HTML carries none). Constants, never user input. */
const EMAIL_STYLES: Record<string, string> = {
  p: "margin:0 0 12px 0;",
  blockquote: "margin:0 0 12px 0;padding:0 0 0 12px;border-left:3px solid #d0d7de;color:#57606a;",
  pre:
    "margin:0 0 12px 0;padding:8px 12px;background:#f6f8fa;border-radius:4px;white-space:pre-wrap;font-family:Menlo,Consolas,monospace;font-size:13px;",
  code: "font-family:Menlo,Consolas,monospace;font-size:13px;",
  img: "max-width:100%;height:auto;border:0;",
  table: "border-collapse:collapse;margin:0 0 12px 0;",
  th: "border:1px solid #d0d7de;padding:4px 8px;text-align:left;",
  td: "border:1px solid #d0d7de;padding:4px 8px;",
  a: "color:#0969da;",
};

/**
 * Blocks of text with no direction of their own take their first letter's (`dir="auto"`), as the composer's do:
 * a Hebrew or Arabic paragraph written through the API reads right to left, with its punctuation at its end.
 */
const AUTO_DIR = new Set(["p", "div", "h1", "h2", "h3", "blockquote", "li"]);
/** Blocks whose direction the outgoing copy works out from their text: AUTO_DIR's, and lists (for the bullets' side). */
const DIRECTED = new Set([...AUTO_DIR, "ul", "ol"]);
/** What a right-to-left block's style becomes: right-aligned (a quote's bar on its right). */
const RIGHT_TO_LEFT: Record<string, string> = {
  blockquote:
    "margin:0 0 12px 0;padding:0 12px 0 0;border-right:3px solid #d0d7de;color:#57606a;text-align:right;",
  ul: "padding:0 24px 0 0;text-align:right;",
  ol: "padding:0 24px 0 0;text-align:right;",
};

/**
 * The allowlist plus `style` on the tags that get one (a right-to-left block is right-aligned); `styled` sets
 * every style, so none comes from input.
 */
const EMAIL_ATTRIBUTES: Record<string, sanitizeHtml.AllowedAttribute[]> = Object.fromEntries(
  ALLOWED_TAGS.map((tag) => [
    tag,
    [...(ALLOWED_ATTRIBUTES[tag] ?? []), ...(EMAIL_STYLES[tag] || DIRECTED.has(tag) ? ["style"] : [])],
  ]),
);

type Direction = "ltr" | "rtl" | null;

/**
 * The direction of each DIRECTED block (in the order they open) from its first letter: read with the sanitizer's
 * own parser, as `emailContent` will meet them.
 */
function blockDirections(html: string): Direction[] {
  const found: Direction[] = [];
  const open: number[] = [];
  sanitizeHtml(html, {
    ...SANITIZE,
    transformTags: {
      ...SANITIZE.transformTags,
      "*": (tagName, attribs) => {
        if (DIRECTED.has(tagName)) open.push(found.push(null) - 1);
        return { tagName, attribs };
      },
    },
    exclusiveFilter: (frame) => {
      if (DIRECTED.has(frame.tag)) found[open.pop()!] = firstLetterDirection(frame.text);
      return bareTag(frame);
    },
  });
  return found;
}

/**
 * A transform that meets each DIRECTED block knowing whether it reads right to left: by its own `dir`, or, with
 * none (or `auto`), by its first letter (`blockDirections` of the same HTML).
 */
function directing(
  html: string,
  transform: (tagName: string, attribs: Attributes, rtl: boolean) => TagResult,
): Transform {
  const directions = blockDirections(html);
  let block = 0;
  return (tagName, attribs) => {
    if (!DIRECTED.has(tagName)) return transform(tagName, attribs, false);
    const found = directions[block++];
    const own = attribs.dir && attribs.dir !== "auto" ? attribs.dir : null;
    return transform(tagName, attribs, (own ?? found) === "rtl");
  };
}

/**
 * The outgoing copy's styles and directions. A block whose first letter is Hebrew, Arabic or the like says so
 * (`dir="rtl"`) and is right-aligned: Outlook and other clients that ignore `dir="auto"` follow that too, and the
 * wrapper's `text-align:left` would otherwise keep it on the left. Other blocks without a direction of their own
 * get `dir="auto"`.
 */
function styled(tagName: string, attribs: Attributes, rtl: boolean): TagResult {
  const { style: _input, ...out } = attribs;
  let style = EMAIL_STYLES[tagName] ?? "";
  if (rtl) {
    out.dir = "rtl";
    style = RIGHT_TO_LEFT[tagName] ?? `${style}text-align:right;`;
  } else if (AUTO_DIR.has(tagName) && (!out.dir || out.dir === "auto")) out.dir = "auto";
  if (style) out.style = style;
  return { tagName, attribs: out };
}

/**
 * Sanitized HTML with `dir="rtl"` on each block (or list) whose first letter is right-to-left and that has no
 * direction of its own: the seller's previews then put such a list's bullets and a quote's bar on the right, as
 * the email sent does.
 */
export function withDirections(html: string): string {
  return sanitizeHtml(html, {
    ...SANITIZE,
    transformTags: {
      ...SANITIZE.transformTags,
      "*": directing(
        html,
        (tagName, attribs, rtl) => ({ tagName, attribs: rtl ? { ...attribs, dir: "rtl" } : attribs }),
      ),
    },
  }).trim();
}

/**
 * Sanitized HTML → the outgoing copy's content: tracked hrefs (when given; not on a link that shows a web address)
 * and inline styles.
 */
function emailContent(html: string, tracked: Map<string, string>): string {
  const links = tracked.size ? anchors(html) : [];
  let next = 0;
  return sanitizeHtml(html, {
    ...SANITIZE,
    allowedAttributes: EMAIL_ATTRIBUTES,
    parseStyleAttributes: false,
    transformTags: {
      ...SANITIZE.transformTags,
      a: (tagName, attribs) => {
        const result = anchor(tagName, attribs);
        if (!result.attribs.href || links[next++]?.showsAddress) return result;
        const url = tracked.get(result.attribs.href);
        return url ? { tagName, attribs: { ...result.attribs, href: url } } : result;
      },
      "*": directing(html, styled),
    },
  }).trim();
}

const altText: FormatCallback = (elem, _walk, builder) => {
  const alt = (elem as { attribs?: Attributes }).attribs?.alt;
  if (alt) builder.addInline(alt);
};

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
  selector,
  options: { uppercase: false },
}));
const CELLS = ["tr", "th", "td"].map((selector) => ({
  selector,
  format: "block",
  options: { leadingLineBreaks: 1, trailingLineBreaks: 1 },
}));

const TEXT_PART: HtmlToTextOptions = {
  wordwrap: 78,
  formatters: { altText },
  selectors: [
    { selector: "a", options: { linkBrackets: ["<", ">"], hideLinkHrefIfSameAsText: true } },
    { selector: "img", format: "altText" },
    ...HEADINGS,
    ...CELLS,
  ],
};
/** Compiled once: html-to-text builds its selector machinery per `compile`, not per call. */
const textPart = compile(TEXT_PART);

const PREVIEW: HtmlToTextOptions = {
  wordwrap: false,
  formatters: { altText },
  selectors: [
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "altText" },
    { selector: "ul", options: { itemPrefix: " " } },
    { selector: "blockquote", format: "block" },
    { selector: "hr", format: "skip" },
    ...HEADINGS,
    ...CELLS,
  ],
};
const previewText = compile(PREVIEW);

/** Plain text for previews and snippets: no link URLs, whitespace collapsed. */
export function htmlToPlainText(html: string): string {
  return previewText(sanitizeEmailHtml(html)).replace(/\s+/g, " ").trim();
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
/** Long URLs and unbroken words wrap (overflow-wrap, and word-break for older WebKit) instead of running off a phone. */
const WRAPPER =
  `max-width:640px;margin:0 auto;padding:16px;font-family:${FONT};font-size:15px;line-height:1.5;color:#1f2328;text-align:left;overflow-wrap:anywhere;word-break:break-word;`;
const FOOTER =
  "margin:24px 0 0 0;padding:12px 0 0 0;border-top:1px solid #d0d7de;font-size:12px;color:#57606a;";
const FOOTER_LINE = "margin:0 0 4px 0;";
const FOOTER_LINK = "color:#57606a;";
const PIXEL =
  "display:block;width:1px;height:1px;max-width:1px;max-height:1px;border:0;margin:0;padding:0;overflow:hidden;";

/** Footer lines as HTML and text. A footer link is never tracked; one that is not http(s)/mailto/tel is left out. */
function footerParts(footer: RenderOptions["footer"]): { html: string; text: string } {
  if (!footer?.length) return { html: "", text: "" };
  const html: string[] = [];
  const text: string[] = [];
  for (const line of footer) {
    const url = line.linkUrl?.trim() ?? "";
    const link = LINK_SCHEME.test(url) ? url : "";
    const label = line.linkText || link;
    const anchor = link
      ? `<a href="${escapeHtml(link)}" rel="noopener noreferrer" target="_blank" style="${FOOTER_LINK}">` +
        `${escapeHtml(label)}</a>`
      : "";
    html.push(`<p style="${FOOTER_LINE}">${[escapeHtml(line.text), anchor].filter(Boolean).join(" ")}</p>`);
    text.push([line.text, link && (label === link ? link : `${label} <${link}>`)].filter(Boolean).join(" "));
  }
  return { html: `<div style="${FOOTER}">${html.join("")}</div>`, text: text.join("\n") };
}

/**
 * The outgoing email: a complete HTML document and a plain-text alternative. For a followed message every
 * http(s) href becomes its tracked URL (in both parts), a 1x1 pixel opens the body (Gmail cuts a message's HTML
 * after ~102 KB behind "[Message clipped]"; a pixel at the end of a long email would never load) and the
 * honeypot ends it, after every link a person can reach.
 */
export function renderEmail(html: string, options: RenderOptions): { html: string; text: string } {
  const tracked = new Map<string, string>();
  let pixel = "";
  let honeypot = "";
  if (options.tracking) {
    const { pixelUrl, linkUrls } = options.tracking;
    const links = collectLinks(html);
    if (linkUrls.length !== links.length) {
      throw new RangeError(`expected ${links.length} tracked link URLs, got ${linkUrls.length}`);
    }
    for (
      const url of [
        pixelUrl,
        ...linkUrls,
        ...(options.tracking.honeypotUrl ? [options.tracking.honeypotUrl] : []),
      ]
    ) {
      if (!TRACKABLE_SCHEME.test(url)) throw new TypeError(`tracking URLs must be http(s): ${url}`);
    }
    links.forEach((link, i) => tracked.set(link, linkUrls[i]));
    pixel = `<img src="${escapeHtml(pixelUrl)}" width="1" height="1" alt="" style="${PIXEL}" />`;
    if (options.tracking.honeypotUrl) {
      honeypot =
        `<a href="${escapeHtml(options.tracking.honeypotUrl)}" style="${HONEYPOT}" aria-hidden="true" ` +
        `tabindex="-1">&#8203;</a>`;
    }
  }
  // Links are matched on the sanitized output: a refused href is gone before any tracked URL is placed.
  const content = emailContent(sanitizeEmailHtml(html), tracked);
  const footer = footerParts(options.footer);
  const body = textPart(content).trim();
  const text = [body, footer.text].filter(Boolean).join("\n\n") + "\n";
  const document = [
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "</head>",
    '<body style="margin:0;padding:0;background-color:#ffffff;">',
    ...(pixel ? [pixel] : []),
    `<div style="${WRAPPER}">${content}${footer.html}</div>`,
    ...(honeypot ? [honeypot] : []),
    "</body>",
    "</html>",
  ];
  return { html: document.join("\n") + "\n", text };
}
