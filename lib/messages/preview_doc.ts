/**
 * The document a seller's preview frame shows a sanitized body in (the message page, the template page, the
 * template editor): a plain reading style, and links that open in a new tab. The frame is sandboxed without
 * scripts; nothing in the body runs.
 */
const STYLE =
  "body{margin:0;padding:16px;font:15px/1.55 -apple-system,system-ui,Segoe UI,Roboto,sans-serif;color:#1c2330;" +
  "overflow-wrap:anywhere}" +
  // A quote's bar on the side its text starts (the right, in a right-to-left quote).
  "blockquote{margin:0;margin-inline-start:4px;padding-inline-start:12px;border-inline-start:3px solid #dde1e7;" +
  "color:#4a5366}" +
  "img{max-width:100%}a{color:#3451d1}" +
  // A block with no direction of its own reads and aligns by its first letter, as in the email sent (a body written
  // through the API has no dir="auto"; the renderer adds it to the email).
  "p:not([dir]),div:not([dir]),h1:not([dir]),h2:not([dir]),h3:not([dir]),blockquote:not([dir]),li:not([dir])" +
  "{unicode-bidi:plaintext;text-align:start}";

export function previewDoc(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>${STYLE}</style></head><body>${html}</body></html>`;
}
