import assert from "node:assert/strict";
import {
  applePrivacyProxy,
  botUserAgent,
  clickBurst,
  differentNetwork,
  duration,
  earlyClick,
  earlyOpen,
  headerMismatch,
  headRequest,
  honeypot,
  imageProxy,
  isDirectHumanOpen,
  knownClient,
  legacyEdgeFetcher,
  listedNetwork,
  nearHoneypot,
  outdatedBrowserRule,
  prefetchHeader,
  RULES,
  unrecognised,
} from "./rules.ts";
import { ADDR, ev, HEADERS, MIN, open, SENT_AT, UA } from "./test_fixtures.ts";
import type { EventFacts } from "./types.ts";
import { clientOf, currentMajor, outdatedBrowser } from "./user_agents.ts";

const none = { earlier: [] as EventFacts[] };

Deno.test("classify rules - every rule is listed once, in priority order", () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids[0], "apple_privacy_proxy");
  assert.equal(ids.at(-1), "unrecognised");
});

Deno.test("classify rules - duration reads well", () => {
  assert.equal(duration(2_000), "2 s");
  assert.equal(duration(800), "0.8 s");
  assert.equal(duration(25_400), "25 s");
  assert.equal(duration(3 * MIN), "3 min");
  assert.equal(duration(-5), "0 s");
});

Deno.test("classify rules - apple_privacy_proxy: bare Mozilla/5.0 from Apple's addresses", () => {
  const hit = applePrivacyProxy(
    open({ userAgent: UA.applePrivacyProxy, clientAddress: ADDR.apple, sinceSendMs: 4_000 }),
  );
  assert.equal(hit?.kind, "privacy_proxy");
  assert.equal(hit?.viaProxy, "apple");
  assert.equal(hit?.weight, "strong");
  assert.equal(hit?.text, "Opened by Apple's privacy proxy at delivery — not a person");
  const later = applePrivacyProxy(
    open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.appleV6, sinceSendMs: 300 * MIN }),
  );
  assert.match(later!.text, /background/);
  assert.ok(applePrivacyProxy(open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.appleEgressSample })));
  assert.equal(
    applePrivacyProxy(open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.home })),
    null,
    "not Apple's",
  );
  assert.equal(
    applePrivacyProxy(open({ userAgent: UA.appleMailMac, clientAddress: ADDR.apple })),
    null,
    "not bare",
  );
  assert.equal(
    applePrivacyProxy(ev({ userAgent: "Mozilla/5.0", clientAddress: ADDR.apple })),
    null,
    "opens only",
  );
});

Deno.test("classify rules - image_proxy: Gmail, Yahoo and the Outlook app fetch for a person", () => {
  const gmail = imageProxy(open({ userAgent: UA.gmailProxy, clientAddress: ADDR.googleProxy }));
  assert.deepEqual(
    { side: gmail?.side, via: gmail?.viaProxy, text: gmail?.text },
    {
      side: "human",
      via: "gmail",
      text: "Fetched through Gmail's image proxy: a person opened it; later opens may be hidden by caching",
    },
  );
  assert.equal(imageProxy(open({ userAgent: UA.yahooProxy }))?.viaProxy, "yahoo");
  assert.equal(imageProxy(open({ userAgent: UA.outlookIos }))?.viaProxy, "outlook");
  assert.equal(imageProxy(open({ userAgent: UA.outlookAndroid }))?.viaProxy, "outlook");
  assert.equal(imageProxy(open({ userAgent: UA.chromeWindows })), null);
  assert.equal(imageProxy(ev({ userAgent: UA.gmailProxy })), null, "proxies fetch images, not links");
});

Deno.test("classify rules - legacy_edge_fetcher: Google's servers are machines, elsewhere Outlook.com's proxy", () => {
  const google = legacyEdgeFetcher(open({ userAgent: UA.legacyEdge, clientAddress: ADDR.googleServer }));
  assert.equal(google?.side, "machine");
  assert.equal(google?.kind, "image_proxy");
  const outlook = legacyEdgeFetcher(open({ userAgent: UA.legacyEdge, clientAddress: ADDR.microsoftOther }));
  assert.equal(outlook?.side, "human");
  assert.equal(outlook?.viaProxy, "outlook");
  assert.equal(outlook?.weight, "weak", "the attribution is uncertain");
  assert.equal(
    legacyEdgeFetcher(ev({ userAgent: UA.legacyEdge }))?.kind,
    "scanner",
    "it never clicks for a person",
  );
  assert.equal(legacyEdgeFetcher(open({ userAgent: UA.edgeWindows })), null);
});

Deno.test("classify rules - head_request and prefetch_header mark prefetches", () => {
  assert.equal(headRequest(ev({ method: "HEAD" }))?.kind, "prefetch");
  assert.match(headRequest(open({ method: "head" }))!.text, /checks the image/);
  assert.equal(headRequest(ev({ method: "GET" })), null);
  assert.equal(prefetchHeader(ev({ headers: { ...HEADERS.chromePrefetch } }))?.kind, "prefetch");
  assert.ok(prefetchHeader(ev({ headers: { purpose: "prefetch" } })));
  assert.ok(prefetchHeader(ev({ headers: { "x-moz": "prefetch" } })));
  assert.ok(prefetchHeader(ev({ headers: { "x-purpose": "preview" } })));
  assert.ok(prefetchHeader(ev({ headers: { "sec-purpose": "prefetch;prerender" } })));
  assert.equal(prefetchHeader(ev()), null);
});

Deno.test("classify rules - honeypot and clicks within 2 s around it", () => {
  const trap = ev({ index: 9, honeypot: true, sinceSendMs: 30 * MIN });
  assert.equal(honeypot(trap)?.weight, "strong");
  assert.equal(honeypot(ev()), null);
  const before = ev({ index: 1, sinceSendMs: 30 * MIN - 1_200 });
  const after = ev({ index: 2, sinceSendMs: 30 * MIN + 2_000 });
  const later = ev({ index: 2, sinceSendMs: 30 * MIN + 2_500 });
  assert.match(nearHoneypot(before, { earlier: [trap] })!.text, /1\.2 s before the hidden link/);
  assert.match(nearHoneypot(after, { earlier: [trap] })!.text, /2 s after the hidden link/);
  assert.equal(nearHoneypot(later, { earlier: [trap] }), null);
  assert.equal(nearHoneypot(trap, { earlier: [trap] }), null, "the honeypot hit itself has its own rule");
  assert.equal(
    nearHoneypot(open({ sinceSendMs: 30 * MIN }), { earlier: [trap] }),
    null,
    "opens are not clicks",
  );
});

Deno.test("classify rules - click_burst: two other links within 1.5 s strong, one weak", () => {
  const a = ev({ index: 0, sinceSendMs: 45 * MIN });
  const b = ev({ index: 1, sinceSendMs: 45 * MIN + 350 });
  const c = ev({ index: 2, sinceSendMs: 45 * MIN + 800 });
  const strong = clickBurst(c, { earlier: [a, b] });
  assert.equal(strong?.weight, "strong");
  assert.equal(
    strong?.text,
    "3 links of this message were clicked within 0.8 s — faster than a person clicks",
  );
  assert.equal(clickBurst(b, { earlier: [a] })?.weight, "weak");
  assert.equal(
    clickBurst(a, { earlier: [b, c] })?.weight,
    "strong",
    "seen with hindsight, the first click too",
  );
  const sameLink = ev({ index: 0, sinceSendMs: 45 * MIN + 300 });
  assert.equal(clickBurst(sameLink, { earlier: [a] }), null, "a double click on one link is not a burst");
  const slow = ev({ index: 3, sinceSendMs: 45 * MIN + 2_400 });
  assert.equal(clickBurst(slow, { earlier: [a, b] }), null);
});

Deno.test("classify rules - early_click: under 10 s strong, under a minute weak", () => {
  const two = earlyClick(ev({ sinceSendMs: 2_000 }));
  assert.equal(two?.weight, "strong");
  assert.equal(two?.text, "Clicked 2 s after sending — before a person could open it");
  assert.equal(earlyClick(ev({ sinceSendMs: 25_000 }))?.weight, "weak");
  assert.equal(earlyClick(ev({ sinceSendMs: 60_000 })), null);
  assert.equal(earlyClick(open({ sinceSendMs: 2_000 })), null);
  assert.equal(earlyClick(ev({ type: "attachment_view", sinceSendMs: 3_000 }))?.weight, "strong");
});

Deno.test("classify rules - early_open: weak, and not for Apple's proxy", () => {
  assert.equal(earlyOpen(open({ sinceSendMs: 3_000 }))?.weight, "weak");
  assert.equal(
    earlyOpen(open({ sinceSendMs: 3_000, userAgent: "Mozilla/5.0", clientAddress: ADDR.apple })),
    null,
  );
  assert.equal(earlyOpen(open({ sinceSendMs: 30_000 })), null);
  assert.equal(earlyOpen(ev({ sinceSendMs: 3_000 })), null);
});

Deno.test("classify rules - bot_user_agent: isbot's list, scanners named as such", () => {
  assert.equal(botUserAgent(ev({ userAgent: UA.barracuda }))?.kind, "scanner");
  assert.equal(botUserAgent(ev({ userAgent: UA.bingPreview }))?.kind, "scanner");
  assert.equal(botUserAgent(ev({ userAgent: UA.headlessChrome }))?.kind, "scanner");
  assert.equal(botUserAgent(ev({ userAgent: UA.officeExistence }))?.kind, "bot");
  assert.equal(botUserAgent(ev({ userAgent: UA.pythonRequests }))?.kind, "bot");
  assert.equal(botUserAgent(ev({ userAgent: UA.goHttp }))?.kind, "bot");
  const bare = botUserAgent(open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.cloud }));
  assert.match(bare!.text, /outside Apple's known addresses/);
  const bareClick = botUserAgent(ev({ userAgent: "Mozilla/5.0", clientAddress: ADDR.apple }));
  assert.equal(bareClick?.text, 'A bare "Mozilla/5.0" user agent — an automated fetch, not a browser');
  for (
    const human of [
      UA.chromeWindows,
      UA.safariIphone,
      UA.thunderbirdWindows,
      UA.outlookDesktop,
      UA.appleMailMac,
    ]
  ) {
    assert.equal(botUserAgent(ev({ userAgent: human })), null, human);
  }
  assert.equal(
    botUserAgent(open({ userAgent: UA.outlookAndroid })),
    null,
    "isbot flags it; it is Outlook's app",
  );
  assert.equal(
    botUserAgent(open({ userAgent: "eM Client/9.2.2157.0" })),
    null,
    "isbot flags it; it is a mail client",
  );
  assert.equal(botUserAgent(open({ userAgent: UA.gmailProxy })), null, "Gmail's proxy is not a bot");
  assert.equal(botUserAgent(open({ userAgent: UA.yahooProxy })), null);
  assert.equal(botUserAgent(open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.apple })), null);
  assert.equal(botUserAgent(ev({ userAgent: "" })), null);
});

Deno.test("classify rules - outdated_browser: about four years behind, relative to the event's date", () => {
  const at = SENT_AT; // March 2026
  assert.ok(currentMajor("chromium", at)! >= 140);
  assert.match(
    outdatedBrowserRule(ev({ userAgent: UA.chrome90 }))!.text,
    /Chrome 90, about \d years out of date/,
  );
  assert.ok(outdatedBrowserRule(ev({ userAgent: UA.ie11 })));
  assert.ok(outdatedBrowserRule(ev({ userAgent: UA.chrome70EdgeHtml })));
  assert.ok(outdatedBrowserRule(ev({ userAgent: UA.firefox78 })));
  assert.equal(outdatedBrowserRule(ev({ userAgent: UA.chromeWindows })), null);
  assert.equal(
    outdatedBrowserRule(ev({ userAgent: UA.thunderbirdLinux })),
    null,
    "mail clients are not judged",
  );
  assert.equal(
    outdatedBrowserRule(open({ userAgent: UA.gmailProxy })),
    null,
    "the proxy's Firefox/11 is a fixed label",
  );
  assert.equal(
    outdatedBrowserRule(open({ userAgent: UA.outlookDesktopWord })),
    null,
    "Outlook's MSIE 7 is Outlook",
  );
  // Chrome 90 was current in 2021: not outdated then.
  assert.equal(
    outdatedBrowserRule(ev({ userAgent: UA.chrome90, at: Date.UTC(2021, 5, 1), sinceSendMs: 3_600_000 })),
    null,
  );
  assert.equal(
    outdatedBrowser(clientOf(UA.chromeWindows)!, Date.UTC(2031, 0, 1))?.startsWith("Chrome 131"),
    true,
  );
});

Deno.test("classify rules - listed_network: weak, never for a recognised image proxy", () => {
  assert.equal(listedNetwork(ev({ clientAddress: ADDR.microsoftMail }))?.weight, "weak");
  assert.match(
    listedNetwork(ev({ clientAddress: ADDR.microsoftMail }))!.text,
    /Microsoft's Exchange Online mail servers/,
  );
  assert.ok(listedNetwork(ev({ clientAddress: ADDR.googleServer })));
  assert.equal(listedNetwork(open({ userAgent: UA.gmailProxy, clientAddress: ADDR.googleProxy })), null);
  assert.equal(listedNetwork(ev({ clientAddress: ADDR.home })), null);
});

Deno.test("classify rules - header_mismatch: a modern browser without a browser's headers", () => {
  assert.equal(headerMismatch(ev()), null);
  assert.equal(headerMismatch(ev({ userAgent: UA.firefoxMac, headers: { ...HEADERS.firefoxClick } })), null);
  assert.equal(headerMismatch(ev({ userAgent: UA.safariIphone, headers: { ...HEADERS.safariClick } })), null);
  const bare = headerMismatch(ev({ headers: { ...HEADERS.generic } }));
  assert.equal(bare?.weight, "weak");
  assert.match(
    bare!.text,
    /Claims to be Chrome 131 on Windows but lacks .* \(Sec-Fetch-Mode, Accept-Language, Accept: text\/html\)$/,
  );
  assert.equal(
    headerMismatch(ev({ headers: { accept: HEADERS.chromeClick.accept, "accept-language": "en" } })),
    null,
    "only one missing (plain-HTTP links get no Sec-Fetch headers)",
  );
  assert.equal(headerMismatch(open({ userAgent: UA.chromeWindows, headers: {} })), null, "clicks only");
  assert.equal(headerMismatch(ev({ userAgent: UA.thunderbirdWindows, headers: {} })), null, "browsers only");
});

Deno.test("classify rules - different_network: a click away from every network the reader opened from", () => {
  const homeOpen = open({ clientAddress: ADDR.home, sinceSendMs: 20 * MIN });
  const click = ev({ clientAddress: ADDR.office, sinceSendMs: 40 * MIN });
  assert.equal(differentNetwork(click, { earlier: [homeOpen] })?.weight, "weak");
  assert.equal(
    differentNetwork(ev({ clientAddress: ADDR.homeNeighbour }), { earlier: [homeOpen] }),
    null,
    "same /24",
  );
  assert.equal(differentNetwork(click, none), null, "no opens, nothing to compare");
  const proxyOpen = open({ userAgent: UA.gmailProxy, clientAddress: ADDR.googleProxy });
  const mppOpen = open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.apple, sinceSendMs: 5_000 });
  assert.equal(
    differentNetwork(click, { earlier: [proxyOpen, mppOpen] }),
    null,
    "proxy addresses are not the reader's",
  );
  const v6Open = open({ clientAddress: ADDR.homeV6 });
  assert.equal(differentNetwork(click, { earlier: [v6Open] }), null, "IPv4 and IPv6 are not compared");
  assert.ok(differentNetwork(ev({ clientAddress: "2001:db8:ffff::1" }), { earlier: [v6Open] }));
  assert.equal(differentNetwork(ev({ clientAddress: "unknown" }), { earlier: [homeOpen] }), null);
});

Deno.test("classify rules - isDirectHumanOpen", () => {
  assert.ok(isDirectHumanOpen(open()));
  assert.ok(isDirectHumanOpen(open({ userAgent: UA.outlookDesktop })));
  assert.ok(!isDirectHumanOpen(open({ userAgent: UA.gmailProxy })));
  assert.ok(!isDirectHumanOpen(open({ userAgent: UA.outlookIos })));
  assert.ok(!isDirectHumanOpen(open({ userAgent: "Mozilla/5.0", clientAddress: ADDR.apple })));
  assert.ok(!isDirectHumanOpen(open({ method: "HEAD" })));
  assert.ok(!isDirectHumanOpen(open({ userAgent: UA.headlessChrome })));
  assert.ok(!isDirectHumanOpen(ev()));
});

Deno.test("classify rules - known_client names the mail client or browser", () => {
  assert.equal(knownClient(open({ userAgent: UA.outlookDesktop }))?.text, "Opened in Outlook for Windows");
  assert.equal(
    knownClient(open({ userAgent: UA.appleMailMac }))?.text,
    "Opened in Apple Mail (or another app) on Mac",
  );
  assert.equal(
    knownClient(open({ userAgent: UA.appleMailIphone }))?.text,
    "Opened in Apple Mail (or another app) on iPhone",
  );
  assert.equal(
    knownClient(open({ userAgent: UA.thunderbirdWindows }))?.text,
    "Opened in Thunderbird 128 on Windows",
  );
  assert.equal(knownClient(ev({ userAgent: UA.safariIphone }))?.text, "Clicked in Safari 18 on iPhone");
  assert.equal(knownClient(ev({ userAgent: UA.edgeWindows }))?.text, "Clicked in Edge 131 on Windows");
  assert.equal(knownClient(ev({ userAgent: UA.firefoxMac }))?.text, "Clicked in Firefox 133 on Mac");
  assert.equal(
    knownClient(ev({ type: "attachment_view", userAgent: UA.chromeAndroid }))?.text,
    "Viewed in Chrome 131 on Android",
  );
  assert.equal(knownClient(open({ userAgent: "eM Client/9.2.2157.0" }))?.text, "Opened in eM Client");
  assert.equal(knownClient(open({ userAgent: UA.gmailProxy })), null, "the proxy is not the reader's client");
  assert.equal(knownClient(ev({ userAgent: UA.pythonRequests })), null);
});

Deno.test("classify rules - unrecognised: no or an unknown user agent", () => {
  assert.match(unrecognised(ev({ userAgent: "" }))!.text, /No user agent/);
  assert.match(unrecognised(ev({ userAgent: "   " }))!.text, /No user agent/);
  assert.match(
    unrecognised(ev({ userAgent: "Mozilla/5.0 (FooOS 3; Bar)" }))!.text,
    /Unrecognised user agent/,
  );
  assert.equal(unrecognised(ev()), null);
  assert.equal(unrecognised(ev({ userAgent: UA.pythonRequests })), null, "a bot is recognised");
});
