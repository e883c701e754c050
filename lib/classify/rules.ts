/**
 * The rules (pure). Each looks at one event and the message's other events and returns what
 * it found — a Hit pointing to a machine (strong or weak), to a person, or neither — or null.
 * classify.ts combines them; the order of RULES is their priority (the first strong machine
 * finding names the machine's kind).
 */
import { familyOf, isAppleAddress, isGoogleAddress, listedNetworkOf, networkOf } from "./networks.ts";
import type { EventFacts, Hit, MessageContext } from "./types.ts";
import {
  botMatchOf,
  clientOf,
  imageProxyOf,
  isBareUserAgent,
  LEGACY_EDGE_UA,
  outdatedBrowser,
  SCANNER_HINTS,
} from "./user_agents.ts";

/** Time windows the rules use (milliseconds). */
export const WINDOWS = {
  /** A click this soon after sending is a machine (strong). */
  earlyClickStrong: 10_000,
  /** A click this soon after sending is suspicious (weak). */
  earlyClickWeak: 60_000,
  /** An open this soon after sending is suspicious (weak). */
  earlyOpen: 10_000,
  /** Clicks of different links of one message within this window form a burst. */
  burst: 1_500,
  /** Clicks this close to a honeypot click come from the same scanner. */
  honeypot: 2_000,
  /** Apple's proxy fetching within this time of sending is its fetch "at delivery". */
  appleDelivery: 15 * 60_000,
} as const;

export type Rule = (event: EventFacts, context: MessageContext) => Hit | null;

const isLinkHit = (e: EventFacts) => e.type === "click" || e.type === "attachment_view";
const linkKey = (e: EventFacts) => `${e.type}:${e.index ?? "?"}`;
const ua = (e: EventFacts) => (e.userAgent ?? "").trim();

/** "2 s", "0.8 s", "25 s", "3 min". */
export function duration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.round(s / 60)} min`;
}

const verb = (e: EventFacts) => (e.type === "open" ? "Opened" : e.type === "click" ? "Clicked" : "Viewed");
const shortUa = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

// ---------------------------------------------------------------------------------------------
// Provider proxies

/** Apple Mail Privacy Protection: the bare "Mozilla/5.0" user agent from Apple's addresses. */
export function applePrivacyProxy(e: EventFacts): Hit | null {
  if (e.type !== "open" || !isBareUserAgent(ua(e)) || !isAppleAddress(e.clientAddress)) return null;
  return {
    rule: "apple_privacy_proxy",
    side: "machine",
    weight: "strong",
    kind: "privacy_proxy",
    viaProxy: "apple",
    text: e.sinceSendMs < WINDOWS.appleDelivery
      ? "Opened by Apple's privacy proxy at delivery — not a person"
      : "Fetched by Apple's privacy proxy, which loads images in the background — not a sign a person opened it",
  };
}

/** Gmail, Yahoo and Outlook-app image fetches: a person opened the message, through the provider's proxy. */
export function imageProxy(e: EventFacts): Hit | null {
  if (e.type !== "open") return null;
  const proxy = imageProxyOf(ua(e));
  if (!proxy) return null;
  return { rule: "image_proxy", side: "human", weight: "strong", viaProxy: proxy.proxy, text: proxy.text };
}

/**
 * The fixed 2015 Edge user agent (LEGACY_EDGE_UA). From Google's addresses it is Google's
 * servers fetching on arrival (Gmail's known "false opens"); elsewhere it is most likely
 * Outlook.com's image proxy acting for a reader — an attribution public sources disagree on.
 */
export function legacyEdgeFetcher(e: EventFacts): Hit | null {
  if (ua(e) !== LEGACY_EDGE_UA) return null;
  if (e.type !== "open") {
    return {
      rule: "legacy_edge_fetcher",
      side: "machine",
      weight: "strong",
      kind: "scanner",
      text: "A fixed 2015 Edge user agent that mail providers' servers use to fetch content — not a person",
    };
  }
  if (isGoogleAddress(e.clientAddress)) {
    return {
      rule: "legacy_edge_fetcher",
      side: "machine",
      weight: "strong",
      kind: "image_proxy",
      viaProxy: "gmail",
      text:
        "Fetched by Google's servers, not through a reader's inbox (a known Gmail false open) — not a person",
    };
  }
  return {
    rule: "legacy_edge_fetcher",
    side: "human",
    weight: "weak",
    viaProxy: "outlook",
    text: "Fetched through what looks like Outlook.com's image proxy: probably a person opened it " +
      "(this is less certain than for Gmail); later opens may be hidden by caching",
  };
}

// ---------------------------------------------------------------------------------------------
// Prefetches

/** HEAD (or any non-GET) request: checking a link or image without opening it. */
export function headRequest(e: EventFacts): Hit | null {
  const method = (e.method ?? "GET").toUpperCase();
  if (method === "GET") return null;
  return {
    rule: "head_request",
    side: "machine",
    weight: "strong",
    kind: "prefetch",
    text: `A ${method} request checks the ${
      e.type === "open" ? "image" : "link"
    } without opening it — a machine`,
  };
}

/** Purpose / Sec-Purpose / X-Purpose / X-Moz: prefetch (or preview, prerender). */
export function prefetchHeader(e: EventFacts): Hit | null {
  const h = e.headers ?? {};
  const names = ["sec-purpose", "purpose", "x-purpose", "x-moz"];
  const name = names.find((n) => /prefetch|prerender|preview/i.test(h[n] ?? ""));
  if (!name) return null;
  return {
    rule: "prefetch_header",
    side: "machine",
    weight: "strong",
    kind: "prefetch",
    text: `Fetched ahead of time (${name}: ${h[name].slice(0, 40)}) — not ${
      e.type === "open" ? "an open" : "a click"
    }`,
  };
}

// ---------------------------------------------------------------------------------------------
// The honeypot and timing

/** The hidden link no person can see. */
export function honeypot(e: EventFacts): Hit | null {
  if (!e.honeypot || !isLinkHit(e)) return null;
  return {
    rule: "honeypot",
    side: "machine",
    weight: "strong",
    kind: "scanner",
    text: "Followed the hidden link no person can see — a scanner",
  };
}

/** Clicks within ±2 s of a honeypot click of the same message. */
export function nearHoneypot(e: EventFacts, context: MessageContext): Hit | null {
  if (e.honeypot || !isLinkHit(e)) return null;
  const trap = context.earlier.find((o) =>
    o !== e && o.honeypot && Math.abs(o.at - e.at) <= WINDOWS.honeypot
  );
  if (!trap) return null;
  return {
    rule: "near_honeypot",
    side: "machine",
    weight: "strong",
    kind: "scanner",
    text: `${verb(e)} ${duration(Math.abs(trap.at - e.at))} ${trap.at <= e.at ? "after" : "before"} ` +
      "the hidden link was followed — the same scanner",
  };
}

/** Several links of one message clicked within about a second: ≥ 2 others strong, 1 other weak. */
export function clickBurst(e: EventFacts, context: MessageContext): Hit | null {
  if (!isLinkHit(e)) return null;
  const mine = linkKey(e);
  const near = context.earlier.filter((o) =>
    o !== e && isLinkHit(o) && linkKey(o) !== mine && Math.abs(o.at - e.at) <= WINDOWS.burst
  );
  const links = new Set(near.map(linkKey)).size;
  if (links === 0) return null;
  const times = [e.at, ...near.map((o) => o.at)];
  const span = duration(Math.max(...times) - Math.min(...times));
  if (links >= 2) {
    return {
      rule: "click_burst",
      side: "machine",
      weight: "strong",
      kind: "scanner",
      text: `${links + 1} links of this message were clicked within ${span} — faster than a person clicks`,
    };
  }
  return {
    rule: "click_burst",
    side: "machine",
    weight: "weak",
    kind: "scanner",
    text: `Another link of this message was clicked within ${span}`,
  };
}

/** Clicks very soon after sending: under 10 s strong, under a minute weak. */
export function earlyClick(e: EventFacts): Hit | null {
  if (!isLinkHit(e) || e.sinceSendMs >= WINDOWS.earlyClickWeak) return null;
  const strong = e.sinceSendMs < WINDOWS.earlyClickStrong;
  return {
    rule: "early_click",
    side: "machine",
    weight: strong ? "strong" : "weak",
    kind: "scanner",
    text: strong
      ? `${verb(e)} ${duration(e.sinceSendMs)} after sending — before a person could open it`
      : `${verb(e)} ${duration(e.sinceSendMs)} after sending — security gateways check links on arrival`,
  };
}

/** Opens within seconds of sending (other than Apple's proxy, which has its own rule): weak. */
export function earlyOpen(e: EventFacts): Hit | null {
  if (e.type !== "open" || e.sinceSendMs >= WINDOWS.earlyOpen || applePrivacyProxy(e)) return null;
  return {
    rule: "early_open",
    side: "machine",
    weight: "weak",
    kind: "scanner",
    text: `Opened ${duration(e.sinceSendMs)} after sending — mail servers often fetch images on arrival`,
  };
}

// ---------------------------------------------------------------------------------------------
// User agents and addresses

/** Bots and scanners by user agent, from the maintained `isbot` list. */
export function botUserAgent(e: EventFacts): Hit | null {
  const agent = ua(e);
  if (!agent || agent === LEGACY_EDGE_UA) return null;
  if (e.type === "open" && imageProxyOf(agent)) return null;
  if (clientOf(agent)?.family === "mail_client") return null;
  if (applePrivacyProxy(e)) return null;
  const match = botMatchOf(agent);
  if (!match) return null;
  if (isBareUserAgent(agent)) {
    return {
      rule: "bot_user_agent",
      side: "machine",
      weight: "strong",
      kind: "bot",
      text: e.type === "open" && !isAppleAddress(e.clientAddress)
        ? 'A bare "Mozilla/5.0" user agent from outside Apple\'s known addresses — an automated fetch'
        : 'A bare "Mozilla/5.0" user agent — an automated fetch, not a browser',
    };
  }
  const scanner = SCANNER_HINTS.test(agent);
  return {
    rule: "bot_user_agent",
    side: "machine",
    weight: "strong",
    kind: scanner ? "scanner" : "bot",
    text: scanner
      ? `"${shortUa(agent)}" is an email-security scanner`
      : `"${shortUa(agent)}" is an automated client, not a browser or mail app`,
  };
}

/** Browsers years out of date (old Chrome/Firefox, Internet Explorer, the old Edge): weak. */
export function outdatedBrowserRule(e: EventFacts): Hit | null {
  const agent = ua(e);
  if (agent === LEGACY_EDGE_UA || imageProxyOf(agent)) return null;
  const client = clientOf(agent);
  const why = client && outdatedBrowser(client, e.at);
  if (!why) return null;
  return {
    rule: "outdated_browser",
    side: "machine",
    weight: "weak",
    kind: "scanner",
    text: `The browser is ${why} — typical of link scanners`,
  };
}

/** Addresses of mail-security networks where scanners run (networks.ts LISTED_NETWORKS): weak. */
export function listedNetwork(e: EventFacts): Hit | null {
  if (e.type === "open" && (imageProxyOf(ua(e)) || ua(e) === LEGACY_EDGE_UA)) return null;
  const network = listedNetworkOf(e.clientAddress);
  if (!network) return null;
  return {
    rule: "listed_network",
    side: "machine",
    weight: "weak",
    kind: "scanner",
    text: `Came from ${network.label}`,
  };
}

/**
 * A click claiming a modern browser but missing the headers that browser sends when a person
 * follows a link (two or more of: Sec-Fetch-Mode, Accept-Language, an Accept naming text/html): weak.
 */
export function headerMismatch(e: EventFacts): Hit | null {
  if (!isLinkHit(e)) return null;
  const client = clientOf(ua(e));
  if (!client || client.family !== "browser" || client.major === null) return null;
  const h = e.headers ?? {};
  const sendsSecFetch = (client.engine === "chromium" && client.major >= 80) ||
    (client.engine === "firefox" && client.major >= 90) || (client.engine === "webkit" && client.major >= 17);
  const missing = [
    sendsSecFetch && !h["sec-fetch-mode"] ? "Sec-Fetch-Mode" : null,
    !h["accept-language"] ? "Accept-Language" : null,
    !/text\/html/i.test(h.accept ?? "") ? "Accept: text/html" : null,
  ].filter((m): m is string => m !== null);
  if (missing.length < 2) return null;
  return {
    rule: "header_mismatch",
    side: "machine",
    weight: "weak",
    kind: "scanner",
    text: `Claims to be ${client.name} but lacks headers that browser sends when a person follows a link ` +
      `(${missing.join(", ")})`,
  };
}

/**
 * Whether an open came straight from the reader's device: a recognised mail client or browser,
 * no proxy, no prefetch, no bot. Its address is then the reader's network.
 */
export function isDirectHumanOpen(o: EventFacts): boolean {
  let direct = directOpens.get(o);
  if (direct === undefined) directOpens.set(o, direct = judgeDirectOpen(o));
  return direct;
}

/** Per event object: classifyAll and the recorder pass the same objects again and again. */
const directOpens = new WeakMap<EventFacts, boolean>();

function judgeDirectOpen(o: EventFacts): boolean {
  if (o.type !== "open" || !clientOf(ua(o)) || imageProxy(o)) return false;
  const rules: ((e: EventFacts) => Hit | null)[] = [
    applePrivacyProxy,
    legacyEdgeFetcher,
    headRequest,
    prefetchHeader,
    botUserAgent,
  ];
  return !rules.some((rule) => rule(o)?.side === "machine");
}

/** A click from a network (/24, /48) other than every network the reader opened from directly: weak. */
export function differentNetwork(e: EventFacts, context: MessageContext): Hit | null {
  if (!isLinkHit(e)) return null;
  const network = networkOf(e.clientAddress);
  const family = familyOf(e.clientAddress);
  if (!network) return null;
  const opens = context.earlier.filter((o) =>
    o !== e && familyOf(o.clientAddress) === family && isDirectHumanOpen(o)
  );
  if (opens.length === 0 || opens.some((o) => networkOf(o.clientAddress) === network)) return null;
  return {
    rule: "different_network",
    side: "machine",
    weight: "weak",
    kind: "scanner",
    text: "Clicked from a different network than the one the recipient opened from",
  };
}

// ---------------------------------------------------------------------------------------------
// People, and what cannot be told

/** A mail client or browser people use. */
export function knownClient(e: EventFacts): Hit | null {
  const agent = ua(e);
  if (agent === LEGACY_EDGE_UA || imageProxyOf(agent)) return null;
  const client = clientOf(agent);
  if (!client) return null;
  return { rule: "known_client", side: "human", weight: "weak", text: `${verb(e)} in ${client.name}` };
}

/** No user agent, or one that names nothing known. */
export function unrecognised(e: EventFacts): Hit | null {
  const agent = ua(e);
  if (!agent) {
    return {
      rule: "unrecognised",
      side: "neutral",
      weight: "weak",
      text: "No user agent, so there is no telling who it was",
    };
  }
  if (clientOf(agent) || imageProxyOf(agent) || botMatchOf(agent) || agent === LEGACY_EDGE_UA) return null;
  return {
    rule: "unrecognised",
    side: "neutral",
    weight: "weak",
    text: `Unrecognised user agent "${shortUa(agent)}"`,
  };
}

/** All rules, in priority order. */
export const RULES: { id: string; check: Rule }[] = [
  { id: "apple_privacy_proxy", check: applePrivacyProxy },
  { id: "head_request", check: headRequest },
  { id: "prefetch_header", check: prefetchHeader },
  { id: "honeypot", check: honeypot },
  { id: "near_honeypot", check: nearHoneypot },
  { id: "click_burst", check: clickBurst },
  { id: "legacy_edge_fetcher", check: legacyEdgeFetcher },
  { id: "bot_user_agent", check: botUserAgent },
  { id: "early_click", check: earlyClick },
  { id: "early_open", check: earlyOpen },
  { id: "outdated_browser", check: outdatedBrowserRule },
  { id: "listed_network", check: listedNetwork },
  { id: "header_mismatch", check: headerMismatch },
  { id: "different_network", check: differentNetwork },
  { id: "image_proxy", check: imageProxy },
  { id: "known_client", check: knownClient },
  { id: "unrecognised", check: unrecognised },
];
