/**
 * Documents for sandboxed iframes that show an email: the page's CSP applies, no
 * script runs (sandbox without allow-scripts), and links open in a new tab.
 */
const STYLE =
  "body{margin:0;padding:16px;font:15px/1.55 -apple-system,system-ui,Segoe UI,Roboto,sans-serif;color:#1c2330;" +
  "overflow-wrap:anywhere}blockquote{margin:0 0 0 4px;padding-left:12px;border-left:3px solid #dde1e7;color:#4a5366}" +
  "img{max-width:100%}a{color:#3451d1}";

/** The seller's view of their sanitized body (no pixel, so looking at it records nothing). */
export function emailPreviewDoc(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>${STYLE}</style></head><body>${html}</body></html>`;
}

/** The outgoing email exactly as rendered for the recipient, links opening in a new tab. */
export function outgoingDoc(html: string): string {
  return html.includes("<head>")
    ? html.replace("<head>", '<head><base target="_blank">')
    : `<base target="_blank">${html}`;
}

/**
 * The seller's preview of a sanitized body. Sandboxed without scripts, so nothing in it runs; same-origin, so
 * the page's script can read its height and fit the frame to the email (`data-fit`, lib/islands/client.ts).
 * Without that script it keeps the stylesheet's height and scrolls.
 */
export function EmailPreview({ title, html }: { title: string; html: string }) {
  return (
    <iframe
      class="email-frame"
      data-fit
      title={title}
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      srcdoc={emailPreviewDoc(html)}
    />
  );
}
