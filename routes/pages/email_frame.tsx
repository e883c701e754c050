/**
 * The frame an email is shown in: the seller's preview of a sanitized body (message and template pages; a block
 * whose first letter is right-to-left says so, as in the email sent), or the
 * outgoing email exactly as rendered for its recipient (the Outbox, pixel and tracked links included).
 *
 * Sandboxed without `allow-scripts`, so nothing in the email runs, under the page's CSP; links open in a new
 * tab. Same-origin, so the page's script can read the email's height and fit the frame to it (`data-fit`,
 * lib/browser/page_behaviours.ts); with no script allowed inside, that gives the email nothing it could use.
 * Without the page's script the frame keeps the stylesheet's height and scrolls.
 */
import { previewDoc } from "../../lib/messages/preview_doc.ts";
import { withDirections } from "../../lib/messages/render.ts";

export function EmailFrame(
  { title, html, as }: { title: string; html: string; as: "preview" | "outgoing" },
) {
  return (
    <iframe
      class={as === "outgoing" ? "email-frame email-frame-tall" : "email-frame"}
      data-fit
      title={title}
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      srcdoc={as === "outgoing" ? outgoingDoc(html) : previewDoc(withDirections(html))}
    />
  );
}

/** The outgoing email as its recipient's client renders it, links opening in a new tab. */
function outgoingDoc(html: string): string {
  return html.includes("<head>")
    ? html.replace("<head>", '<head><base target="_blank">')
    : `<base target="_blank">${html}`;
}
