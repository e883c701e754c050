/**
 * The new text of a reply: what the person wrote, without the quoted history under it.
 *
 * HTML first, when it has a structural quote marker, since those are unambiguous: the part before the first
 * of Gmail's `div.gmail_quote`, Apple Mail's and Thunderbird's `blockquote type="cite"` /
 * `div.moz-cite-prefix`, Outlook's `#divRplyFwdMsg` (with the `<hr>` before it), `#appendonsend`, the
 * `border-top:solid #E1E1E1` header box of Outlook desktop, `div.OutlookMessageHeader`, Yahoo's
 * `div.yahoo_quoted`, Proton's `div.protonmail_quote`, new Outlook for Mac's
 * `#mail-editor-reference-message-container` is converted to text (html-to-text) and then goes through the
 * text rules below. Otherwise the text part (converted from the HTML when there is none) goes through the
 * text rules:
 *
 * - Cut at the first history marker; everything after it is history: Outlook's "-----Original Message-----"
 *   (and translations), forwarded-message separators ("---------- Forwarded message ---------",
 *   "Begin forwarded message:", translations), a From:/Sent:/To:/Subject: header block (two or more header
 *   lines after the From line, in several languages; with a `____` or `----` rule above it, the rule too),
 *   or the same block on one line.
 * - An attribution line — "On <date>, <name> wrote:", "Le … a écrit :", "Am … schrieb …:", "El … escribió:",
 *   "Em … escreveu:", "Il … ha scritto:", "Op … schreef …:", "… skrev …:", "… kirjoitti:", "… napisał(a):",
 *   possibly wrapped over up to three lines, with a date or an address in it. Followed by `>` lines it only
 *   introduces them and is dropped, so text written below the quote (bottom-posting, inline answers) is kept;
 *   otherwise everything from it on is cut.
 * - Lines starting with `>` are dropped.
 * - A signature after a "-- " line is cut; a trailing "Sent from my iPhone"-style line is dropped.
 * - Blank-line runs collapse to one (paragraphs stay), trailing spaces go, the whole is trimmed.
 *
 * When the HTML has nothing above its quote (bottom-posting, Thunderbird's default), the text part decides.
 *
 * Not handled: answers written below or inside the quote of an HTML-only message (lost with the quote),
 * histories with no marker at all (kept), signatures without a "-- " line (kept), languages beyond those
 * listed.
 */
// @ts-types="@types/html-to-text"
import { convert } from "html-to-text";
import type { ParsedInbound } from "./parse.ts";

/**
 * Opening tags, found without backtracking across tags: `[^<>]*` stops at the next `<`, so a scan over
 * hostile HTML (thousands of unclosed `<div`) stays linear.
 */
const OPENING_TAG = /<(div|blockquote|hr)\b([^<>]*)>/gi;
const ATTRIBUTE = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g;
const QUOTE_CLASSES = new Set([
  "gmail_quote",
  "moz-cite-prefix",
  "outlookmessageheader",
  "yahoo_quoted",
  "protonmail_quote",
]);
const QUOTE_IDS = /^(?:x_)?(?:divrplyfwdmsg|appendonsend|mail-editor-reference-message-container)$/;
const OUTLOOK_HEADER_BOX = /border-top:\s*solid\s+#(?:e1e1e1|b5c4df)\b/;

function isQuoteStart(tag: string, attributes: string): boolean {
  const attrs = new Map<string, string>();
  for (const [, name, ...values] of attributes.matchAll(ATTRIBUTE)) {
    const key = name.toLowerCase();
    if (!attrs.has(key)) attrs.set(key, (values.find((v) => v !== undefined) ?? "").toLowerCase());
  }
  if (tag === "blockquote") return attrs.get("type") === "cite";
  if (tag !== "div") return false;
  if ((attrs.get("class") ?? "").split(/\s+/).some((name) => QUOTE_CLASSES.has(name))) return true;
  if (QUOTE_IDS.test(attrs.get("id") ?? "")) return true;
  return OUTLOOK_HEADER_BOX.test(attrs.get("style") ?? "");
}

/** Alternatives for a RegExp; entries are regex source. */
const any = (items: string[]) => `(?:${items.join("|")})`;

const ORIGINAL_MESSAGE = new RegExp(
  String.raw`^\s*-{2,}\s*${
    any([
      "original message",
      "ursprüngliche nachricht",
      "message d'origine",
      "mensaje original",
      "messaggio originale",
      "oorspronkelijk bericht",
      "ursprungligt meddelande",
      "opprinnelig melding",
      "oprindelig meddelelse",
      "mensagem original",
      "alkuperäinen viesti",
      "původní zpráva",
      "wiadomość oryginalna",
      "oryginalna wiadomość",
      "исходное сообщение",
    ])
  }\s*-{2,}\s*$`,
  "iu",
);
const FORWARDED_RULE = any([
  "forwarded message",
  "weitergeleitete nachricht",
  "message transféré",
  "mensaje reenviado",
  "messaggio inoltrato",
  "doorgestuurd bericht",
  "vidarebefordrat meddelande",
  "mensagem encaminhada",
]);
const FORWARDED_INTRO = any([
  "begin forwarded message",
  "anfang der weitergeleiteten nachricht",
  "début du message réexpédié",
  "inicio del mensaje reenviado",
  "inizio messaggio inoltrato",
  "begin doorgestuurd bericht",
]);
const FORWARDED = new RegExp(
  String.raw`^\s*(?:-{2,}\s*${FORWARDED_RULE}\s*-{2,}|${FORWARDED_INTRO}\s*:)\s*$`,
  "iu",
);
const FROM_LINE = /^\s*\*?(?:from|von|de|da|van|från|fra|od|lähettäjä|от)\s*:\*?\s*\S/iu;
const HEADER_WORDS = [
  ["sent", "date", "to", "cc", "subject"], // en
  ["gesendet", "datum", "an", "betreff"], // de
  ["envoyé", "à", "objet"], // fr
  ["enviado", "fecha", "para", "asunto", "assunto"], // es, pt
  ["inviato", "data", "a", "oggetto"], // it
  ["verzonden", "aan", "onderwerp"], // nl
  ["skickat", "till", "ämne", "sendt", "til", "emne"], // sv, da, no
  ["lähetetty", "vastaanottaja", "aihe"], // fi
  ["wysłano", "do", "temat"], // pl
  ["отправлено", "кому", "тема"], // ru
].flat();
const HEADER_LINE = new RegExp(String.raw`^\s*\*?${any(HEADER_WORDS)}\s*:`, "iu");
const ONE_LINE_HEADERS = /^\s*\*?from:.+\b(?:sent|date):.+\bto:.+\bsubject:/i;
const RULE = /^\s*(?:_{5,}|-{5,}|={5,})\s*$/;
const WROTE = [
  String.raw`\bwrote`,
  String.raw`\ba écrit`,
  String.raw`\bescribió`,
  String.raw`\bescreveu`,
  String.raw`\bha scritto`,
  String.raw`\bkirjoitti`,
  String.raw`\bnapisał\(a\)`,
  String.raw`\bnapisała?`,
  String.raw`\bnapsal(?:\(a\))?`,
  String.raw`написал(?:\(а\)|а)?`,
  String.raw`\bskrev`,
  String.raw`\bschreef`,
  String.raw`\bschrieb`,
];
const WROTE_AT_END = new RegExp(String.raw`${any(WROTE)}\s*:\s*$`, "iu");
/** How attributions begin (en, fr, de, es, pt, it, nl, sv/da/no, cs, pl), or with a date. */
const ATTRIBUTION_OPENER = /^(?:(?:on|le|am|el|em|il|op|den|dne|w dniu)\b|\d)/iu;
const WROTE_THEN_NAME = /(?:\bschrieb|\bschreef|\bskrev)\b.{1,200}:\s*$/iu;
const MOBILE_FOOTER = new RegExp(
  String.raw`^\s*${
    any([
      String.raw`sent from my \w+(?: \w+)?`,
      String.raw`sent from (?:outlook|mail|yahoo mail)(?: for \w+)?`,
      String.raw`get outlook for (?:ios|android)`,
      String.raw`enviado desde mi \w+`,
      String.raw`von meinem \w+ gesendet`,
      String.raw`envoyé de mon \w+`,
      String.raw`inviato da \w+`,
      String.raw`verzonden (?:vanaf|met) mijn \w+`,
      String.raw`skickat från min \w+`,
    ])
  }\.?\s*$`,
  "iu",
);
const SIGNATURE = /^-- ?$/;

export function newText(parsed: Pick<ParsedInbound, "text" | "html">): string {
  const html = parsed.html ?? "";
  const cut = html ? cutHtmlQuote(html) : null;
  const hasText = (parsed.text ?? "").trim() !== "";
  if (cut !== null) {
    const fromHtml = stripQuotedText(htmlToText(cut)).text;
    // Nothing above the quote: perhaps bottom-posted (Thunderbird's default), which the text part shows.
    if (fromHtml || !hasText) return fromHtml;
  }
  if (hasText) return stripQuotedText(parsed.text).text;
  return html ? stripQuotedText(htmlToText(html)).text : "";
}

/** The HTML before its first quote marker, or null when it has none. */
export function cutHtmlQuote(html: string): string | null {
  let ruleAt = -1;
  let ruleEnd = -1;
  for (const match of html.matchAll(OPENING_TAG)) {
    const tag = match[1].toLowerCase();
    const index = match.index;
    if (tag === "hr") {
      [ruleAt, ruleEnd] = [index, index + match[0].length];
      continue;
    }
    if (!isQuoteStart(tag, match[2])) continue;
    // Outlook draws a rule right above its From:/Sent: box; it goes with the quote.
    const afterRule = ruleAt >= 0 && html.slice(ruleEnd, index).trim() === "";
    return html.slice(0, afterRule ? ruleAt : index);
  }
  return null;
}

const MAX_HTML = 1_000_000;

/** Readable text from an email's HTML (its first million characters): no wrapping, no link targets, no images. */
export function htmlToText(html: string): string {
  // Hostile mail: deep nesting would overflow the stack, a huge body would take seconds. A reply's own text
  // comes first, so only the tail of an oversized body is lost.
  return convert(html.slice(0, MAX_HTML), {
    wordwrap: false,
    limits: { maxDepth: 256, maxInputLength: MAX_HTML, ellipsis: "" },
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      // Layout tables (Outlook signatures): a cell per line rather than cells run together.
      ...["table", "tr", "td", "th"].map((selector) => ({ selector, format: "block" })),
      ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
        selector,
        options: { uppercase: false },
      })),
    ],
  });
}

/** Text rules (see the module comment); `quoted` tells whether any history marker was found. */
export function stripQuotedText(input: string): { text: string; quoted: boolean } {
  let lines = input.replace(/\r\n?/g, "\n").replace(/\u00a0/g, " ").split("\n");
  let quoted = false;

  const hard = findHistoryStart(lines);
  if (hard >= 0) {
    lines = lines.slice(0, hard);
    quoted = true;
  }

  for (let i = 0; i < lines.length; i++) {
    const span = attributionAt(lines, i);
    if (!span) continue;
    quoted = true;
    const next = nextNonBlank(lines, i + span);
    if (next >= 0 && isQuoteLine(lines[next])) {
      lines.splice(i, span);
      i--;
      continue;
    }
    lines = lines.slice(0, i);
    break;
  }

  if (lines.some(isQuoteLine)) {
    quoted = true;
    lines = lines.filter((line) => !isQuoteLine(line));
  }

  const signature = lines.findIndex((line) => SIGNATURE.test(line));
  if (signature >= 0) lines = lines.slice(0, signature);
  const last = lastNonBlank(lines);
  if (last >= 0 && MOBILE_FOOTER.test(lines[last])) lines = lines.slice(0, last);

  return { text: tidy(lines), quoted };
}

function findHistoryStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isQuoteLine(line)) continue;
    if (ORIGINAL_MESSAGE.test(line) || FORWARDED.test(line)) return i;
    if (line.length <= 2000 && ONE_LINE_HEADERS.test(line)) return i;
    if (FROM_LINE.test(line) && headerLinesAfter(lines, i) >= 2) {
      const previous = previousNonBlank(lines, i);
      return previous >= 0 && RULE.test(lines[previous]) ? previous : i;
    }
  }
  return -1;
}

/** How many of the next six non-blank lines look like Sent:/To:/Subject: header lines. */
function headerLinesAfter(lines: string[], from: number): number {
  let seen = 0;
  let count = 0;
  for (let i = from + 1; i < lines.length && seen < 6; i++) {
    if (!lines[i].trim()) continue;
    seen++;
    if (HEADER_LINE.test(lines[i])) count++;
  }
  return count;
}

/** The number of lines (1–3) of an attribution starting at line i, or 0. */
function attributionAt(lines: string[], i: number): number {
  if (!lines[i].trim() || isQuoteLine(lines[i])) return 0;
  let joined = "";
  for (let span = 1; span <= 3 && i + span - 1 < lines.length; span++) {
    const line = lines[i + span - 1].trim();
    if (span > 1) {
      // A wrapped attribution: the first line opens one, the others continue it.
      if (!ATTRIBUTION_OPENER.test(joined) || /[.!?]$/.test(joined)) return 0;
      if (!line || isQuoteLine(line) || ATTRIBUTION_OPENER.test(line)) return 0;
    }
    joined = joined ? `${joined} ${line}` : line;
    if (joined.length > 400) return 0;
    if ((WROTE_AT_END.test(joined) || WROTE_THEN_NAME.test(joined)) && /\d|@/.test(joined)) return span;
  }
  return 0;
}

function isQuoteLine(line: string): boolean {
  return /^\s*>/.test(line);
}

function nextNonBlank(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i].trim()) return i;
  return -1;
}

function previousNonBlank(lines: string[], before: number): number {
  for (let i = before - 1; i >= 0; i--) if (lines[i].trim()) return i;
  return -1;
}

function lastNonBlank(lines: string[]): number {
  return previousNonBlank(lines, lines.length);
}

function tidy(lines: string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (!line && (out.length === 0 || out[out.length - 1] === "")) continue;
    out.push(line);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}
