/**
 * User agents (pure): provider proxies, the mail clients and browsers people use, bots and
 * scanners (via the maintained `isbot` list), and how out of date a browser is.
 */
import { isbotMatch } from "isbot";
import { remembered } from "../storage/bounded_map.ts";
import type { ProxyName } from "./types.ts";

/** Provider image proxies recognised by user agent. They fetch when a person opens the message. */
export const IMAGE_PROXIES: { proxy: ProxyName; pattern: RegExp; text: string }[] = [
  {
    proxy: "gmail",
    // "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
    pattern: /GoogleImageProxy/i,
    text: "Fetched through Gmail's image proxy: a person opened it; later opens may be hidden by caching",
  },
  {
    proxy: "yahoo",
    // "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
    pattern: /YahooMailProxy/i,
    text:
      "Fetched through Yahoo Mail's image proxy: a person opened it; later opens may be hidden by caching",
  },
  {
    proxy: "outlook",
    // "Outlook-iOS/709.2226530.prod.iphone (3.24.1)", "Outlook-Android/2.0"
    pattern: /^Outlook-(?:iOS|Android)\//i,
    text:
      "Opened in the Outlook mobile app: a person opened it; its images load through Microsoft's servers, " +
      "so the address is Microsoft's and repeat opens may not show",
  },
];

export function imageProxyOf(userAgent: string): (typeof IMAGE_PROXIES)[number] | null {
  return IMAGE_PROXIES.find((p) => p.pattern.test(userAgent)) ?? null;
}

/**
 * A fixed 2015 Edge user agent that fetches email images from providers' servers. Public
 * sources disagree about whose it is: senders see it from Google's addresses as Gmail "false
 * opens" (Google's servers, not a reader), others attribute it to Outlook.com's image proxy.
 */
export const LEGACY_EDGE_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0";

/** "Mozilla/5.0" and nothing else (Apple's privacy proxy sends exactly this). */
export function isBareUserAgent(userAgent: string): boolean {
  return /^mozilla\/\d\.\d;?$/i.test(userAgent.trim());
}

export type Engine = "chromium" | "firefox" | "webkit" | "trident" | "edgehtml" | "other";

/** A mail client or browser people use, as far as its user agent tells. */
export interface Client {
  family: "browser" | "mail_client";
  /** For sellers: "Chrome 131 on Windows", "Outlook for Windows", "Apple Mail on Mac". */
  name: string;
  engine: Engine;
  /** Major version of the browser engine's product (Chrome/Firefox/Safari/IE), when known. */
  major: number | null;
}

function platformOf(ua: string): string | null {
  if (/iPhone/.test(ua)) return "iPhone";
  if (/iPad/.test(ua)) return "iPad";
  if (/Android/.test(ua)) return "Android";
  if (/CrOS/.test(ua)) return "ChromeOS";
  if (/Windows/.test(ua)) return "Windows";
  if (/Macintosh|Mac OS X/.test(ua)) return "Mac";
  if (/Linux|X11/.test(ua)) return "Linux";
  return null;
}

/** Desktop mail clients that name themselves (isbot lists some of these as bots). */
const OTHER_MAIL_CLIENTS = [
  { pattern: /^eM Client\//, name: "eM Client" },
  { pattern: /^Postbox /, name: "Postbox" },
];

const on = (platform: string | null) => (platform ? ` on ${platform}` : "");

function version(ua: string, token: RegExp): number | null {
  const m = token.exec(ua);
  return m ? Number(m[1]) : null;
}

/** Recognises the mail clients and browsers people use; null for anything else (remembered per user agent). */
export const clientOf: (userAgent: string) => Client | null = remembered(recogniseClient, 2_000);

function recogniseClient(userAgent: string): Client | null {
  const ua = userAgent.trim();
  if (!ua) return null;
  const platform = platformOf(ua);
  // Mail clients.
  if (/Microsoft Outlook/.test(ua)) {
    const name = `Outlook${platform === "Mac" ? " for Mac" : " for Windows"}`;
    return { family: "mail_client", name, engine: "other", major: null };
  }
  const outlookMobile = /^Outlook-(iOS|Android)\//i.exec(ua);
  if (outlookMobile) {
    return { family: "mail_client", name: `Outlook for ${outlookMobile[1]}`, engine: "other", major: null };
  }
  const other = OTHER_MAIL_CLIENTS.find((c) => c.pattern.test(ua));
  if (other) return { family: "mail_client", name: other.name, engine: "other", major: null };
  const thunderbird = version(ua, /\bThunderbird\/(\d+)/);
  if (thunderbird !== null) {
    return {
      family: "mail_client",
      name: `Thunderbird ${thunderbird}${on(platform)}`,
      engine: "firefox",
      major: null,
    };
  }
  if (!/^Mozilla\/[45]\.0 \(/.test(ua)) return null;
  const chrome = version(ua, /\b(?:Chrome|CriOS)\/(\d+)/);
  if (/\bOneOutlook\//.test(ua)) {
    return { family: "mail_client", name: "the new Outlook for Windows", engine: "chromium", major: chrome };
  }
  // Browsers, most specific token first.
  const edge = version(ua, /\bEdg(?:A|iOS)?\/(\d+)/);
  if (edge !== null) {
    return {
      family: "browser",
      name: `Edge ${edge}${on(platform)}`,
      engine: "chromium",
      major: chrome ?? edge,
    };
  }
  const legacyEdge = version(ua, /\bEdge\/(\d+)/);
  if (legacyEdge !== null) {
    return {
      family: "browser",
      name: `Edge ${legacyEdge} (legacy)${on(platform)}`,
      engine: "edgehtml",
      major: legacyEdge,
    };
  }
  const opera = version(ua, /\bOPR\/(\d+)/);
  if (opera !== null) {
    return { family: "browser", name: `Opera ${opera}${on(platform)}`, engine: "chromium", major: chrome };
  }
  const samsung = version(ua, /\bSamsungBrowser\/(\d+)/);
  if (samsung !== null) {
    return { family: "browser", name: `Samsung Internet ${samsung}`, engine: "chromium", major: chrome };
  }
  const firefoxIos = version(ua, /\bFxiOS\/(\d+)/);
  if (firefoxIos !== null) {
    return {
      family: "browser",
      name: `Firefox ${firefoxIos}${on(platform)}`,
      engine: "firefox",
      major: firefoxIos,
    };
  }
  if (chrome !== null) {
    const webView = /; wv\)/.test(ua);
    return {
      family: "browser",
      name: webView ? `an Android app (Chrome ${chrome} web view)` : `Chrome ${chrome}${on(platform)}`,
      engine: "chromium",
      major: chrome,
    };
  }
  const firefox = version(ua, /\bFirefox\/(\d+)/);
  if (firefox !== null) {
    return {
      family: "browser",
      name: `Firefox ${firefox}${on(platform)}`,
      engine: "firefox",
      major: firefox,
    };
  }
  const ie = version(ua, /\bMSIE (\d+)/) ?? (/Trident\/\d/.test(ua) ? version(ua, /\brv:(\d+)/) : null);
  if (ie !== null) {
    return {
      family: "browser",
      name: `Internet Explorer ${ie}${on(platform)}`,
      engine: "trident",
      major: ie,
    };
  }
  if (/AppleWebKit\//.test(ua) && (platform === "Mac" || platform === "iPhone" || platform === "iPad")) {
    const safari = version(ua, /\bVersion\/(\d+)[\d.]* (?:Mobile\/\w+ )?Safari\//);
    if (safari !== null) {
      return { family: "browser", name: `Safari ${safari}${on(platform)}`, engine: "webkit", major: safari };
    }
    // Apple Mail (and other apps' web views) end at the engine token: no "Version/… Safari/…".
    if (!/Safari\//.test(ua)) {
      return {
        family: "mail_client",
        name: `Apple Mail (or another app) on ${platform}`,
        engine: "webkit",
        major: null,
      };
    }
  }
  return null;
}

/** Product lines with a release every four weeks: [first version, its release date]. */
const RELEASES: Partial<Record<Engine, [number, number]>> = {
  chromium: [100, Date.UTC(2022, 2, 29)],
  firefox: [100, Date.UTC(2022, 4, 3)],
};
const RELEASE_INTERVAL_MS = 30.4 * 24 * 3600 * 1000;
/** How far behind the current release counts as outdated: 48 releases, about four years. */
export const OUTDATED_RELEASES = 48;

/** The browser's newest major version at a given time (estimated from the release cadence). */
export function currentMajor(engine: Engine, at: number): number | null {
  const base = RELEASES[engine];
  if (!base) return null;
  return base[0] + Math.max(0, Math.floor((at - base[1]) / RELEASE_INTERVAL_MS));
}

/**
 * Why a browser is out of date at `at`, or null. Chrome/Edge/Opera and Firefox count as
 * outdated about four years behind the release of the day (in 2026: Chrome below ~100,
 * Firefox below ~95); Internet Explorer and the old EdgeHTML Edge always are.
 */
export function outdatedBrowser(client: Client, at: number): string | null {
  if (client.family !== "browser") return null;
  if (client.engine === "trident") return "Internet Explorer, retired in 2022";
  if (client.engine === "edgehtml") return "the old Edge, retired in 2021";
  const current = currentMajor(client.engine, at);
  if (current === null || client.major === null) return null;
  if (client.major < current - OUTDATED_RELEASES) {
    const product = client.engine === "chromium" ? "Chrome" : "Firefox";
    return `${product} ${client.major}, about ${Math.round((current - client.major) / 12)} years out of date`;
  }
  return null;
}

/** Names that mark a bot as an email-security scanner rather than a generic bot. */
export const SCANNER_HINTS =
  /barracuda|mimecast|proofpoint|urldefense|bingpreview|headless|safelinks|symantec|messagelabs|forcepoint|trend ?micro|sophos|forti(?:net|guard)|ironport|cisco|zscaler|check ?point|google-safety|appriver|trustwave|hornetsecurity|spamtitan|cloudmark|avanan|ironscales/i;

/**
 * What the maintained `isbot` pattern list matched in the user agent, or null. Mail clients
 * and provider proxies are recognised before this is asked (isbot flags some of them).
 */
export const botMatchOf: (userAgent: string) => string | null = remembered(
  (ua) => (ua.trim() ? isbotMatch(ua.trim()) : null),
  2_000,
);
