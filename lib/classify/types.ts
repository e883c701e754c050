/**
 * Types of the engagement classifier: people vs machines. Everything in
 * `lib/classify/` is pure — plain values in, plain values out — so a verdict
 * can be recomputed from a stored event whenever the rules improve.
 */

export type Verdict = "human" | "machine" | "unknown";

export type MachineKind = "prefetch" | "privacy_proxy" | "image_proxy" | "scanner" | "bot";

/** The mail providers whose proxies fetch on a reader's behalf. */
export type ProxyName = "apple" | "gmail" | "yahoo" | "outlook";

/** One reason behind a verdict, written for sellers. */
export interface Reason {
  rule: string;
  text: string;
  weight: "strong" | "weak";
}

export interface Classification {
  verdict: Verdict;
  /** What kind of machine, when the verdict is "machine". */
  kind: MachineKind | null;
  /** The provider proxy the fetch came through (Apple's privacy proxy, Gmail/Yahoo/Outlook image proxies). */
  viaProxy: ProxyName | null;
  reasons: Reason[];
  rulesVersion: number;
}

/** What the classifier needs to know about one tracking hit. */
export interface EventFacts {
  type: "open" | "click" | "attachment_view";
  at: number;
  method: string;
  userAgent: string;
  /** The full client address: classify first, truncate (`truncateAddress`) for storage afterwards. */
  clientAddress: string;
  /** Request headers with lower-case names (accept, accept-language, purpose, sec-purpose, sec-fetch-*, …). */
  headers: Record<string, string>;
  /** Milliseconds since the message was sent. */
  sinceSendMs: number;
  /** Link index for clicks, attachment index for attachment views, null for opens. */
  index: number | null;
  /** The click hit the message's hidden honeypot link, which no person can see. */
  honeypot: boolean;
}

export interface MessageContext {
  /**
   * The message's other events, in any order. When a hit is recorded these are the earlier
   * ones; `classifyAll` passes all the others, so rules that look at a window around an event
   * (bursts, the honeypot) also see what came just after it.
   */
  earlier: EventFacts[];
}

/** Which side a rule's finding points to. */
export type Side = "machine" | "human" | "neutral";

/** What a single rule found. Rules return one Hit or null. */
export interface Hit {
  rule: string;
  side: Side;
  weight: "strong" | "weak";
  text: string;
  kind?: MachineKind;
  viaProxy?: ProxyName;
}
