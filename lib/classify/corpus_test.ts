/**
 * A corpus of real user agents and header sets — Apple Mail with and without Mail Privacy
 * Protection, Gmail web and app, Outlook desktop, web and mobile, Yahoo, Thunderbird, browsers
 * and scanner gateways — each with its expected verdict, plus timing scenarios.
 */
import assert from "node:assert/strict";
import { classify, classifyAll, countsAsHuman } from "./classify.ts";
import { ADDR, ev, HEADERS, MIN, open, UA } from "./test_fixtures.ts";
import type { Classification, EventFacts, MachineKind, ProxyName, Verdict } from "./types.ts";

interface Case {
  name: string;
  event: EventFacts;
  earlier?: EventFacts[];
  verdict: Verdict;
  kind?: MachineKind | null;
  viaProxy?: ProxyName | null;
  /** Rules expected among the reasons. */
  rules?: string[];
  /** Counted for KPIs with countProxyOpens false / true. */
  counts: [boolean, boolean];
}

const CORPUS: Case[] = [
  // Apple Mail
  {
    name: "Apple Mail Privacy Protection prefetch at delivery is a machine (privacy proxy)",
    event: open({
      userAgent: UA.applePrivacyProxy,
      clientAddress: ADDR.apple,
      headers: {},
      sinceSendMs: 6_000,
    }),
    verdict: "machine",
    kind: "privacy_proxy",
    viaProxy: "apple",
    rules: ["apple_privacy_proxy"],
    counts: [false, true],
  },
  {
    name: "Apple Mail Privacy Protection over IPv6 hours later is still Apple's proxy",
    event: open({
      userAgent: UA.applePrivacyProxy,
      clientAddress: ADDR.appleV6,
      headers: {},
      sinceSendMs: 400 * MIN,
    }),
    verdict: "machine",
    kind: "privacy_proxy",
    viaProxy: "apple",
    counts: [false, true],
  },
  {
    name: "Apple Mail Privacy Protection through a published egress range",
    event: open({
      userAgent: UA.applePrivacyProxy,
      clientAddress: ADDR.appleEgressSample,
      sinceSendMs: 20_000,
    }),
    verdict: "machine",
    kind: "privacy_proxy",
    viaProxy: "apple",
    counts: [false, true],
  },
  {
    name: "Apple Mail on Mac without privacy protection is a human open",
    event: open({ userAgent: UA.appleMailMac, headers: { ...HEADERS.appleMailImage } }),
    verdict: "human",
    viaProxy: null,
    rules: ["known_client"],
    counts: [true, true],
  },
  {
    name: "Apple Mail on iPhone without privacy protection is a human open",
    event: open({ userAgent: UA.appleMailIphone, clientAddress: ADDR.homeV6 }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Apple Mail on iPad without privacy protection is a human open",
    event: open({ userAgent: UA.appleMailIpad }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "a bare Mozilla/5.0 from a cloud address is a bot, not Apple",
    event: open({ userAgent: UA.applePrivacyProxy, clientAddress: ADDR.cloud }),
    verdict: "machine",
    kind: "bot",
    viaProxy: null,
    counts: [false, false],
  },
  // Gmail
  {
    name: "Gmail image proxy open is a human open via proxy",
    event: open({
      userAgent: UA.gmailProxy,
      clientAddress: ADDR.googleProxy,
      headers: { ...HEADERS.generic },
    }),
    verdict: "human",
    viaProxy: "gmail",
    rules: ["image_proxy"],
    counts: [true, true],
  },
  {
    name: "Gmail app open (Android, Gmail account) goes through the same proxy: human via proxy",
    event: open({ userAgent: UA.gmailProxy, clientAddress: "66.249.93.12", sinceSendMs: 3 * MIN }),
    verdict: "human",
    viaProxy: "gmail",
    counts: [true, true],
  },
  {
    name: "Gmail image proxy fetch seconds after sending stays a human open (one weak signal)",
    event: open({ userAgent: UA.gmailProxy, clientAddress: ADDR.googleProxy, sinceSendMs: 4_000 }),
    verdict: "human",
    viaProxy: "gmail",
    rules: ["image_proxy", "early_open"],
    counts: [true, true],
  },
  {
    name: "Gmail app for Android with a non-Google account loads images in its web view: human",
    event: open({ userAgent: UA.gmailAndroidWebView, headers: { ...HEADERS.chromeImage } }),
    verdict: "human",
    viaProxy: null,
    counts: [true, true],
  },
  {
    name: "Gmail web click in Chrome is a human click",
    event: ev({
      userAgent: UA.chromeWindows,
      headers: { ...HEADERS.chromeClick, "sec-fetch-site": "cross-site" },
    }),
    verdict: "human",
    rules: ["known_client"],
    counts: [true, true],
  },
  {
    name: "Google's servers fetching with the 2015 Edge user agent are a machine (Gmail false open)",
    event: open({ userAgent: UA.legacyEdge, clientAddress: ADDR.googleServer, sinceSendMs: 40_000 }),
    verdict: "machine",
    kind: "image_proxy",
    viaProxy: "gmail",
    counts: [false, false],
  },
  // Outlook
  {
    name: "Outlook desktop open is a human open",
    event: open({ userAgent: UA.outlookDesktop, headers: { ...HEADERS.outlookImage } }),
    verdict: "human",
    viaProxy: null,
    counts: [true, true],
  },
  {
    name: "Outlook desktop open rendered by Word (MSIE 7 compatible) is a human open",
    event: open({ userAgent: UA.outlookDesktopWord, headers: { ...HEADERS.outlookImage } }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Outlook on the web in Edge loads the image from the browser: human",
    event: open({
      userAgent: UA.edgeWindows,
      headers: { ...HEADERS.chromeImage, referer: "https://outlook.office.com/" },
    }),
    verdict: "human",
    viaProxy: null,
    counts: [true, true],
  },
  {
    name: "Outlook for iOS open is a human open via Microsoft's servers",
    event: open({ userAgent: UA.outlookIos, clientAddress: ADDR.microsoftOther }),
    verdict: "human",
    viaProxy: "outlook",
    counts: [true, true],
  },
  {
    name: "Outlook for Android open is a human open, though isbot lists its user agent",
    event: open({ userAgent: UA.outlookAndroid, clientAddress: ADDR.microsoftOther }),
    verdict: "human",
    viaProxy: "outlook",
    counts: [true, true],
  },
  {
    name: "the 2015 Edge user agent outside Google is most likely Outlook.com's image proxy: human via proxy",
    event: open({ userAgent: UA.legacyEdge, clientAddress: ADDR.microsoftOther, sinceSendMs: 2 * 60 * MIN }),
    verdict: "human",
    viaProxy: "outlook",
    rules: ["legacy_edge_fetcher"],
    counts: [true, true],
  },
  // Yahoo
  {
    name: "Yahoo Mail proxy open is a human open via proxy",
    event: open({
      userAgent: UA.yahooProxy,
      clientAddress: ADDR.yahooProxy,
      headers: { ...HEADERS.generic },
    }),
    verdict: "human",
    viaProxy: "yahoo",
    counts: [true, true],
  },
  // Thunderbird
  {
    name: "Thunderbird on Windows open is a human open",
    event: open({ userAgent: UA.thunderbirdWindows, headers: { accept: "image/avif,image/webp,*/*" } }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Thunderbird on Linux open is a human open",
    event: open({ userAgent: UA.thunderbirdLinux, clientAddress: ADDR.homeV6 }),
    verdict: "human",
    counts: [true, true],
  },
  // Browsers (clicks)
  {
    name: "Chrome click is a human click",
    event: ev({ userAgent: UA.chromeWindows }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Firefox click is a human click",
    event: ev({ userAgent: UA.firefoxMac, headers: { ...HEADERS.firefoxClick } }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Safari on iPhone click (from Apple Mail) is a human click",
    event: ev({
      userAgent: UA.safariIphone,
      headers: { ...HEADERS.safariClick },
      clientAddress: ADDR.homeV6,
    }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Safari on Mac click is a human click",
    event: ev({ userAgent: UA.safariMac, headers: { ...HEADERS.safariClick } }),
    verdict: "human",
    counts: [true, true],
  },
  {
    name: "Chrome on Android attachment view is a human view",
    event: ev({ type: "attachment_view", userAgent: UA.chromeAndroid, index: 0 }),
    verdict: "human",
    counts: [true, true],
  },
  // Scanners and prefetches
  {
    name: "Barracuda Sentinel is a scanner",
    event: ev({ userAgent: UA.barracuda, headers: { ...HEADERS.generic }, sinceSendMs: 40_000 }),
    verdict: "machine",
    kind: "scanner",
    counts: [false, false],
  },
  {
    name: "BingPreview link preview is a scanner",
    event: ev({ userAgent: UA.bingPreview, headers: { ...HEADERS.generic }, clientAddress: "157.55.39.12" }),
    verdict: "machine",
    kind: "scanner",
    counts: [false, false],
  },
  {
    name: "Headless Chrome detonating a link is a scanner, even with a browser's headers",
    event: ev({ userAgent: UA.headlessChrome, clientAddress: ADDR.cloud, sinceSendMs: 90_000 }),
    verdict: "machine",
    kind: "scanner",
    counts: [false, false],
  },
  {
    name: "Microsoft Office link check (HEAD) is a prefetch",
    event: ev({ userAgent: UA.officeExistence, method: "HEAD", headers: {} }),
    verdict: "machine",
    kind: "prefetch",
    rules: ["head_request", "bot_user_agent"],
    counts: [false, false],
  },
  {
    name: "python-requests link checker is a bot",
    event: ev({ userAgent: UA.pythonRequests, headers: { ...HEADERS.generic } }),
    verdict: "machine",
    kind: "bot",
    counts: [false, false],
  },
  {
    name:
      "a gateway click with an outdated Edge from Microsoft's mail network 25 s after sending is a scanner",
    event: ev({
      userAgent: UA.chrome70EdgeHtml,
      clientAddress: ADDR.microsoftMail,
      headers: { ...HEADERS.generic },
      sinceSendMs: 25_000,
    }),
    verdict: "machine",
    kind: "scanner",
    rules: ["early_click", "outdated_browser", "listed_network", "header_mismatch"],
    counts: [false, false],
  },
  {
    name: "Internet Explorer 11 clicking 40 s after sending is a scanner (two weak signals agree)",
    event: ev({
      userAgent: UA.ie11,
      headers: { accept: "text/html, application/xhtml+xml, */*" },
      sinceSendMs: 40_000,
    }),
    verdict: "machine",
    kind: "scanner",
    rules: ["early_click", "outdated_browser"],
    counts: [false, false],
  },
  {
    name: "Chrome prefetching a link (Sec-Purpose: prefetch) is a prefetch",
    event: ev({ headers: { ...HEADERS.chromePrefetch } }),
    verdict: "machine",
    kind: "prefetch",
    counts: [false, false],
  },
  {
    name: "a HEAD request for the pixel is a prefetch",
    event: open({ method: "HEAD", userAgent: UA.chromeWindows, headers: {} }),
    verdict: "machine",
    kind: "prefetch",
    counts: [false, false],
  },
  // Unknowns
  {
    name: "no user agent is unknown",
    event: ev({ userAgent: "", headers: {} }),
    verdict: "unknown",
    rules: ["unrecognised"],
    counts: [false, false],
  },
  {
    name: "an unrecognised user agent is unknown",
    event: open({
      userAgent: "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    }),
    verdict: "unknown",
    counts: [false, false],
  },
];

function check(c: Case, result: Classification) {
  const summary = `${result.verdict}/${result.kind}/${result.viaProxy}: ${
    result.reasons.map((r) => r.text).join(" | ")
  }`;
  assert.equal(result.verdict, c.verdict, summary);
  if (c.kind !== undefined) assert.equal(result.kind, c.kind, summary);
  if (c.verdict !== "machine") assert.equal(result.kind, null, summary);
  if (c.viaProxy !== undefined) assert.equal(result.viaProxy, c.viaProxy, summary);
  for (const rule of c.rules ?? []) {
    assert.ok(result.reasons.some((r) => r.rule === rule), `${rule} in ${summary}`);
  }
  assert.ok(result.reasons.length > 0, "every verdict has reasons");
  assert.equal(
    countsAsHuman(result, { countProxyOpens: false }),
    c.counts[0],
    `counted without proxy opens: ${summary}`,
  );
  assert.equal(
    countsAsHuman(result, { countProxyOpens: true }),
    c.counts[1],
    `counted with proxy opens: ${summary}`,
  );
}

for (const c of CORPUS) {
  Deno.test(`classify - ${c.name}`, () => check(c, classify(c.event, { earlier: c.earlier ?? [] })));
}

Deno.test("classify - the corpus covers every client family it promises", () => {
  assert.ok(CORPUS.length >= 25);
  const names = CORPUS.map((c) => c.name).join("\n");
  for (
    const family of ["Apple Mail", "Gmail", "Outlook desktop", "Outlook on the web", "Yahoo", "Thunderbird"]
  ) {
    assert.match(names, new RegExp(family));
  }
  assert.ok(CORPUS.filter((c) => c.kind === "scanner").length >= 4);
});

// ---------------------------------------------------------------------------------------------
// Timing scenarios

Deno.test("classify - a burst of three link clicks within 800 ms is a machine", () => {
  const clicks = [0, 350, 800].map((ms, i) =>
    ev({ index: i, sinceSendMs: 45 * MIN + ms, clientAddress: ADDR.microsoftOther })
  );
  // Recorded one by one, the third click sees the burst.
  assert.equal(classify(clicks[2], { earlier: clicks.slice(0, 2) }).verdict, "machine");
  assert.match(
    classify(clicks[2], { earlier: clicks.slice(0, 2) }).reasons[0].text,
    /3 links .* within 0\.8 s/,
  );
  // Re-classified with the whole history, all three are.
  const all = classifyAll(clicks);
  assert.deepEqual(all.map((c) => c.verdict), ["machine", "machine", "machine"]);
  assert.deepEqual(all.map((c) => c.kind), ["scanner", "scanner", "scanner"]);
});

Deno.test("classify - a click 2 s after delivery is a machine", () => {
  const result = classify(ev({ sinceSendMs: 2_000 }), { earlier: [] });
  assert.equal(result.verdict, "machine");
  assert.equal(result.kind, "scanner");
  assert.equal(result.reasons[0].text, "Clicked 2 s after sending — before a person could open it");
});

Deno.test("classify - a click before any open from a normal browser is a human", () => {
  const result = classify(ev({ sinceSendMs: 2 * 60 * MIN }), { earlier: [] });
  assert.equal(result.verdict, "human");
  assert.deepEqual(result.reasons.map((r) => r.rule), ["known_client"]);
});

Deno.test("classify - the honeypot click and clicks around it are a scanner; a later click is a person", () => {
  const at = 3 * 60 * MIN;
  const events = [
    ev({ index: 0, sinceSendMs: at - 1_200, clientAddress: ADDR.cloud }),
    ev({ index: 5, sinceSendMs: at, honeypot: true, clientAddress: ADDR.cloud }),
    ev({ index: 1, sinceSendMs: at + 1_900, clientAddress: ADDR.cloud }),
    ev({ index: 0, sinceSendMs: at + 10 * MIN, clientAddress: ADDR.home }),
  ];
  const all = classifyAll(events);
  assert.deepEqual(all.map((c) => c.verdict), ["machine", "machine", "machine", "human"]);
  assert.equal(all[1].reasons[0].text, "Followed the hidden link no person can see — a scanner");
  assert.equal(all[0].reasons[0].rule, "near_honeypot");
  // At recording time the click after the trap is caught; the one before needs hindsight.
  assert.equal(classify(events[2], { earlier: events.slice(0, 2) }).verdict, "machine");
  assert.equal(classify(events[0], { earlier: [] }).verdict, "human");
});

Deno.test("classify - a click from another network than the reader's opens, plus an old browser, is a machine", () => {
  const opened = open({ clientAddress: ADDR.home, sinceSendMs: 30 * MIN });
  const click = ev({ userAgent: UA.chrome90, clientAddress: ADDR.office, sinceSendMs: 31 * MIN });
  const result = classify(click, { earlier: [opened] });
  assert.equal(result.verdict, "machine");
  assert.deepEqual(result.reasons.map((r) => r.rule), ["outdated_browser", "different_network"]);
  // Either signal alone is not enough.
  assert.equal(classify(click, { earlier: [] }).verdict, "human");
  assert.equal(
    classify(ev({ clientAddress: ADDR.office, sinceSendMs: 31 * MIN }), { earlier: [opened] }).verdict,
    "human",
  );
});

Deno.test("classify - Gmail proxy opens then a click from home: all people, the proxy's network is not compared", () => {
  const events = [
    open({ userAgent: UA.gmailProxy, clientAddress: ADDR.googleProxy, sinceSendMs: 12 * MIN }),
    ev({ index: 2, userAgent: UA.chromeAndroid, clientAddress: ADDR.home, sinceSendMs: 13 * MIN }),
  ];
  const all = classifyAll(events);
  assert.deepEqual(all.map((c) => c.verdict), ["human", "human"]);
  assert.deepEqual(all.map((c) => c.viaProxy), ["gmail", null]);
  assert.ok(!all[1].reasons.some((r) => r.rule === "different_network"));
});

Deno.test("classify - an Apple proxy prefetch, then the person's click, then a scanner sweep", () => {
  const events = [
    open({ userAgent: UA.applePrivacyProxy, clientAddress: ADDR.apple, sinceSendMs: 3_000 }),
    ev({ index: 0, userAgent: UA.chrome70EdgeHtml, clientAddress: ADDR.microsoftMail, sinceSendMs: 20_000 }),
    ev({ index: 1, userAgent: UA.chrome70EdgeHtml, clientAddress: ADDR.microsoftMail, sinceSendMs: 20_400 }),
    ev({ index: 0, userAgent: UA.safariIphone, headers: { ...HEADERS.safariClick }, sinceSendMs: 95 * MIN }),
  ];
  const all = classifyAll(events);
  assert.deepEqual(all.map((c) => c.verdict), ["machine", "machine", "machine", "human"]);
  assert.deepEqual(all.map((c) => c.kind), ["privacy_proxy", "scanner", "scanner", null]);
  assert.deepEqual(
    all.map((c) => countsAsHuman(c, { countProxyOpens: true })),
    [true, false, false, true],
  );
});
