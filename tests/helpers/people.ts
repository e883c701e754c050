/**
 * Requests as people make them, for tests of tracking: a mail client loading the pixel, a
 * current browser following a link (with the headers browsers send), from an ordinary address.
 * Machines (scanners, privacy proxies) are simulated explicitly where a test is about them.
 */
import type { TestApp } from "./app.ts";

export const THUNDERBIRD_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0";
export const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

/** Headers of a person's request: an open in a mail client, or a click in a browser. */
export function personHeaders(path: string): Record<string, string> {
  return path.includes("/t/o/") ? { "user-agent": THUNDERBIRD_UA, accept: "image/avif,image/webp,*/*" } : {
    "user-agent": CHROME_UA,
    accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-GB,en;q=0.9",
    "sec-fetch-mode": "navigate",
    "sec-fetch-site": "none",
    "sec-fetch-dest": "document",
    "sec-fetch-user": "?1",
  };
}

/** A tracking request the way a person makes it (extra headers may override), from 203.0.113.50. */
export function personRequest(t: TestApp, path: string, init: RequestInit = {}): Promise<Response> {
  const url = path.startsWith("http") ? path : `http://beacon.test${path}`;
  return Promise.resolve(t.app.request(url, {
    redirect: "manual",
    ...init,
    headers: { ...personHeaders(path), ...Object.fromEntries(new Headers(init.headers)) },
  }, { remoteAddr: { hostname: "203.0.113.50", port: 1, transport: "tcp" } }));
}
