/**
 * Inbound replies, the pure core: parse raw mail (postal-mime), match it to a sent message (signed reply
 * token, In-Reply-To, References with a subject check; never subject alone), tell auto-replies apart, and
 * strip quoted history from the text. No KV, no HTTP: the caller supplies a `Lookup` and records the result.
 */
export { autoReplyReason } from "./auto_reply.ts";
export {
  isRecipient,
  mailboxKey,
  matchReply,
  MAX_IN_REPLY_TO,
  MAX_REFERENCES,
  normalizeSubject,
} from "./match.ts";
export type { Lookup, MatchContext, MatchResult, MatchVia, SentRef } from "./match.ts";
export { parseInbound, parseMessageIds } from "./parse.ts";
export type { InboundAttachment, ParsedInbound } from "./parse.ts";
export {
  REPLY_TOKEN_LENGTH,
  replyAddress,
  ReplyTokenSigner,
  tokenFromAddresses,
  tokensFromAddresses,
} from "./reply_token.ts";
export type { ReplyRef } from "./reply_token.ts";
export { cutHtmlQuote, htmlToText, newText, stripQuotedText } from "./strip.ts";
