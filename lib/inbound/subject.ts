/**
 * Subjects compared the way people see them: without the reply and forward prefixes clients add (in many
 * languages, repeated, counted like `Re[2]:`), without the "[EXT]" tags mail gateways add, without
 * autoresponder prefixes ("Automatic reply:", so an out-of-office notice still shares its thread's
 * subject), with encoded words decoded, Unicode-normalized (NFKC, so a full-width colon is a colon),
 * lower-cased and with whitespace collapsed.
 */
import { decodeWords } from "postal-mime";

/**
 * Reply prefixes: Re (most), AW/Antw/Antwort (de, nl), SV (sv, da, no), VS (fi), Odp (pl), RES (pt), R/RIF
 * (it), Ref/Réf (fr), YNT (tr), ATB (lv), Σχετ (el), 回复/回覆/答复/答覆 (zh).
 */
const REPLY_WORDS = "re|aw|antw|antwort|sv|vs|odp|res|r|rif|ref|réf|ynt|atb|σχετ|回复|回覆|答复|答覆";
/**
 * Forward prefixes: Fwd/Fw, WG (de), TR (fr), ENC (pt), RV (es), I (it), Doorst (nl), VB (sv), VS (no)…,
 * PD (pl), İlt (tr), 转发/轉寄 (zh).
 */
const FORWARD_WORDS = "fwd|fw|wg|tr|enc|rv|i|doorst|vb|vl|pd|ilt|i̇lt|転送|转发|轉寄";
const COUNTER = String.raw`(?:\[\d+\]|\(\d+\)|\^\d+)?`;

/** A reply or forward prefix at the start of a (cleaned) subject. */
export const THREAD_PREFIX = new RegExp(
  String.raw`^(?:${REPLY_WORDS}|${FORWARD_WORDS})\s*${COUNTER}\s*:\s*`,
  "iu",
);
/** What autoresponders put in front of the subject (or use as the whole subject). */
const AUTO_REPLY_PHRASES = [
  "automatic reply",
  "auto reply",
  "auto-reply",
  "autoreply",
  "auto response",
  "auto-response",
  "autoresponse",
  "out of office",
  "out of the office",
  "out of office autoreply",
  "out of office reply",
  "abwesenheitsnotiz",
  "abwesenheitshinweis",
  "automatische antwort",
  "réponse automatique",
  "reponse automatique",
  "absence du bureau",
  "respuesta automática",
  "respuesta automatica",
  "resposta automática",
  "resposta automatica",
  "risposta automatica",
  "automatisch antwoord",
  "autosvar",
  "automatisk svar",
  "automaattinen vastaus",
  "odpowiedź automatyczna",
  "automatická odpověď",
  "automatikus válasz",
  "автоматический ответ",
  "自动回复",
  "自動回覆",
  "自動応答",
  "자동 응답",
];
const escaped = AUTO_REPLY_PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
/** An autoresponder phrase at the start: in brackets, or followed by a colon or the end of the subject. */
export const AUTO_REPLY_SUBJECT = new RegExp(
  String.raw`^(?:\[\s*(?:${escaped})\s*\]|(?:${escaped})\s*(?::|$))\s*`,
  "iu",
);
/** Tags security gateways put in front of external mail: [EXT], [EXTERNAL], [External Email], *EXTERNAL*… */
const GATEWAY_TAG =
  /^(?:\[\s*(?:ext|external)\b[^\]]*\]|\*\s*external\s*\*|external\s*:|\(\s*external\s*\))\s*/iu;

/** Encoded words decoded, NFKC, whitespace collapsed; case kept. */
export function cleanSubject(subject: string): string {
  const decoded = subject.includes("=?") ? decodeWords(subject) : subject;
  return decoded.normalize("NFKC").replace(/\s+/g, " ").trim();
}

/** Strips leading gateway tags only (what a reply prefix check should look past). */
export function stripGatewayTags(subject: string): string {
  let out = subject;
  for (let previous = ""; previous !== out;) {
    previous = out;
    out = out.replace(GATEWAY_TAG, "");
  }
  return out;
}

export function normalizeSubject(subject: string): string {
  let out = cleanSubject(subject);
  for (let previous = ""; previous !== out;) {
    previous = out;
    out = out.replace(GATEWAY_TAG, "").replace(THREAD_PREFIX, "").replace(AUTO_REPLY_SUBJECT, "");
  }
  return out.toLowerCase().trim();
}
