/**
 * Sandboxed iframes that show an email: the page's CSP applies, no script runs (sandbox without
 * allow-scripts), and links open in a new tab.
 */
import { previewDoc } from "../../lib/messages/preview_doc.ts";

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
      srcdoc={previewDoc(html)}
    />
  );
}
