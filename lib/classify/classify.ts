/**
 * People vs machines, for every engagement event (pure). Each rule in rules.ts reports what
 * it found; the verdict combines them:
 *
 * - any strong machine finding → machine (its kind from the first, by rule priority);
 * - two or more weak machine findings agree → machine (the "two of three" practice);
 * - otherwise a person's mail client, browser or a provider's image proxy → human;
 * - otherwise (no or an unrecognised user agent) → unknown.
 *
 * The verdict is computed when a hit is recorded and stored with it, with RULES_VERSION, so
 * it can be recomputed (classifyAll) when the rules improve. Classification never decides a
 * response: scanners are redirected too, so a misjudged person is never blocked.
 */
import { RULES, WINDOWS } from "./rules.ts";
import type { Classification, EventFacts, Hit, MessageContext, Reason } from "./types.ts";

export type {
  Classification,
  EventFacts,
  MachineKind,
  MessageContext,
  ProxyName,
  Reason,
  Verdict,
} from "./types.ts";
export { truncateAddress } from "./networks.ts";

/** Bump when a rule, a threshold or a data file changes verdicts; stored with each classification. */
export const RULES_VERSION = 1;

const reason = ({ rule, text, weight }: Hit): Reason => ({ rule, text, weight });

/** Classifies one event given the message's other events. */
export function classify(event: EventFacts, context: MessageContext = { earlier: [] }): Classification {
  // One pass, no intermediate arrays: every tracking hit is classified on the way in.
  const strong: Hit[] = [], weak: Hit[] = [], human: Hit[] = [], neutral: Hit[] = [];
  for (const rule of RULES) {
    const hit = rule.check(event, context);
    if (hit === null) continue;
    if (hit.side === "human") human.push(hit);
    else if (hit.side === "neutral") neutral.push(hit);
    else if (hit.side === "machine" && hit.weight === "strong") strong.push(hit);
    else if (hit.side === "machine" && hit.weight === "weak") weak.push(hit);
  }
  const base = { rulesVersion: RULES_VERSION };
  if (strong.length > 0 || weak.length >= 2) {
    const machine = [...strong, ...weak];
    return {
      ...base,
      verdict: "machine",
      kind: machine[0].kind ?? "bot",
      viaProxy: machine.find((h) => h.viaProxy)?.viaProxy ?? null,
      reasons: machine.map(reason),
    };
  }
  if (human.length > 0) {
    return {
      ...base,
      verdict: "human",
      kind: null,
      viaProxy: human.find((h) => h.viaProxy)?.viaProxy ?? null,
      reasons: [...human, ...weak].map(reason),
    };
  }
  const reasons = [...neutral, ...weak].map(reason);
  if (reasons.length === 0) {
    reasons.push({
      rule: "unrecognised",
      text: "Nothing marks this as a person or a machine",
      weight: "weak",
    });
  }
  return { ...base, verdict: "unknown", kind: null, viaProxy: null, reasons };
}

/**
 * Re-classifies a message's whole history (for when rules improve), going through it in time
 * order. Each event is judged with all the message's other events as context, so the first
 * clicks of a burst and clicks just before a honeypot hit are caught too — which a verdict
 * made at recording time, seeing only earlier events, cannot do. Results follow the input order.
 */
export function classifyAll(events: EventFacts[]): Classification[] {
  const order = events.map((_, i) => i).sort((a, b) => events[a].at - events[b].at || a - b);
  const out = new Array<Classification>(events.length);
  for (const i of order) out[i] = classify(events[i], { earlier: events.filter((_, j) => j !== i) });
  return out;
}

/** Longest window a rule looks across (burst, honeypot): events this close may change each other's verdict. */
export const NEIGHBOUR_WINDOW_MS = Math.max(WINDOWS.burst, WINDOWS.honeypot);

/**
 * Indexes of earlier link events whose verdict may change now that `event` arrived (a burst
 * grew, a honeypot was hit): the recorder can re-classify just these.
 */
export function neighboursToRecheck(event: EventFacts, earlier: EventFacts[]): number[] {
  if (event.type === "open") return [];
  return earlier.flatMap((o, i) =>
    o !== event && o.type !== "open" && Math.abs(o.at - event.at) <= NEIGHBOUR_WINDOW_MS ? [i] : []
  );
}

/**
 * Whether an event counts as an open/click for KPIs, given the team setting. People count —
 * including opens through Gmail, Yahoo and Outlook image proxies. Apple's privacy proxy is a
 * machine and counts only when the team chose to count proxy opens. Other machines and
 * unknowns never count.
 */
export function countsAsHuman(c: Classification, options: { countProxyOpens: boolean }): boolean {
  if (c.verdict === "human") return true;
  return c.verdict === "machine" && c.kind === "privacy_proxy" && options.countProxyOpens;
}

/** The facts of a recorded event (EngagementEvent or a recorder Hit): `honeypot` is whether it hit the hidden link. */
export function toFacts(
  e: Omit<EventFacts, "honeypot" | "index" | "type"> & { type: string; index?: number | null },
  honeypot = false,
): EventFacts {
  return {
    type: e.type as EventFacts["type"],
    at: e.at,
    method: e.method,
    userAgent: e.userAgent,
    clientAddress: e.clientAddress,
    headers: e.headers,
    sinceSendMs: e.sinceSendMs,
    index: e.index ?? null,
    honeypot,
  };
}
