/** The 43-byte GIF and the headers Beacon's open pixel answers with (routes/tracking.ts), for the baselines. */
export const GIF = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
  (c) => c.charCodeAt(0),
);

export const HEADERS = {
  "Content-Type": "image/gif",
  "Content-Length": String(GIF.byteLength),
  "Cache-Control": "no-store, no-cache, must-revalidate, private",
  "Pragma": "no-cache",
  "Expires": "0",
};
