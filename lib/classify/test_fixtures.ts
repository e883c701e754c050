/**
 * Test fixtures: user agents and header sets of real mail clients, browsers, proxies and
 * scanners, as published in mail-tracking write-ups, provider help pages and open-source
 * trackers. Used by the rule and corpus tests only.
 */
import type { EventFacts } from "./types.ts";

export const UA = {
  // Apple Mail
  appleMailMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
  appleMailIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  appleMailIpad:
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  applePrivacyProxy: "Mozilla/5.0",
  // Gmail (web and apps: images of Gmail accounts always come through the proxy)
  gmailProxy: "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
  gmailAndroidWebView:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36",
  // Outlook
  outlookDesktop: "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
  outlookDesktopWord:
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; Win64; x64; Trident/7.0; .NET4.0C; .NET4.0E; " +
    "Microsoft Outlook 16.0.5278; ms-office; MSOffice 16)",
  outlookIos: "Outlook-iOS/709.2226530.prod.iphone (3.24.1)",
  outlookAndroid: "Outlook-Android/2.0",
  legacyEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0",
  // Yahoo
  yahooProxy: "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
  // Thunderbird
  thunderbirdWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.5.2",
  thunderbirdLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.16.0",
  // Browsers
  chromeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  edgeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  chromeAndroid:
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  firefoxMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
  safariMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/18.2 Mobile/15E148 Safari/604.1",
  // Old browsers (link scanners often present these)
  chrome70EdgeHtml: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582",
  chrome90: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/90.0.4430.212 Safari/537.36",
  ie11: "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
  firefox78: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:78.0) Gecko/20100101 Firefox/78.0",
  // Scanners and bots
  barracuda: "Barracuda Sentinel (EE)",
  bingPreview: "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b",
  headlessChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "HeadlessChrome/119.0.6045.105 Safari/537.36",
  officeExistence: "Microsoft Office Existence Discovery",
  pythonRequests: "python-requests/2.31.0",
  goHttp: "Go-http-client/1.1",
} as const;

export const HEADERS = {
  chromeClick: {
    accept:
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8," +
      "application/signed-exchange;v=b3;q=0.7",
    "accept-language": "en-US,en;q=0.9",
    "sec-fetch-site": "none",
    "sec-fetch-mode": "navigate",
    "sec-fetch-dest": "document",
    "sec-fetch-user": "?1",
  },
  firefoxClick: {
    accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-GB,en;q=0.5",
    "sec-fetch-site": "none",
    "sec-fetch-mode": "navigate",
    "sec-fetch-dest": "document",
    "sec-fetch-user": "?1",
  },
  safariClick: {
    accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-GB,en;q=0.9",
    "sec-fetch-site": "none",
    "sec-fetch-mode": "navigate",
    "sec-fetch-dest": "document",
  },
  chromeImage: {
    accept: "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
    "accept-language": "en-US,en;q=0.9",
    "sec-fetch-site": "cross-site",
    "sec-fetch-mode": "no-cors",
    "sec-fetch-dest": "image",
  },
  appleMailImage: {
    accept: "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png," +
      "image/svg+xml,image/*;q=0.8,*/*;q=0.5",
    "accept-language": "en-GB,en;q=0.9",
  },
  outlookImage: { accept: "*/*", "accept-language": "en-US" },
  generic: { accept: "*/*" },
  none: {},
  chromePrefetch: {
    accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-US,en;q=0.9",
    "sec-purpose": "prefetch",
    "sec-fetch-mode": "navigate",
    "sec-fetch-dest": "document",
  },
} as const satisfies Record<string, Record<string, string>>;

/** Client addresses: documentation ranges for people, real ranges for providers. */
export const ADDR = {
  home: "203.0.113.57",
  homeNeighbour: "203.0.113.190",
  office: "198.51.100.23",
  homeV6: "2001:db8:4a1:7::21",
  apple: "17.58.62.14",
  appleV6: "2620:149:a44:1000::9",
  appleEgressSample: "172.224.224.41",
  googleProxy: "66.249.84.201",
  googleServer: "108.177.2.32",
  yahooProxy: "98.137.27.103",
  microsoftMail: "40.107.22.61",
  microsoftOther: "52.142.17.9",
  cloud: "34.82.11.200",
} as const;

export const SENT_AT = Date.UTC(2026, 2, 10, 14, 0, 0);
export const MIN = 60_000;

/** An event with sensible defaults: a person clicking link 0 in Chrome an hour after sending. */
export function ev(overrides: Partial<EventFacts> = {}): EventFacts {
  const sinceSendMs = overrides.sinceSendMs ??
    (overrides.at !== undefined ? overrides.at - SENT_AT : 60 * MIN);
  return {
    type: "click",
    at: SENT_AT + sinceSendMs,
    method: "GET",
    userAgent: UA.chromeWindows,
    clientAddress: ADDR.home,
    headers: { ...HEADERS.chromeClick },
    sinceSendMs,
    index: overrides.type === "open" ? null : 0,
    honeypot: false,
    ...overrides,
  };
}

/** An open with defaults: Apple Mail on a Mac, straight from home, an hour after sending. */
export function open(overrides: Partial<EventFacts> = {}): EventFacts {
  return ev({
    type: "open",
    index: null,
    userAgent: UA.appleMailMac,
    headers: { ...HEADERS.appleMailImage },
    ...overrides,
  });
}
