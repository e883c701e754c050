/** File facts for attachments: sizes in words, safe names, how a file may be shown. Pure. */
import { withoutBidiControls } from "../text/bidi.ts";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** A file name safe to store and show: no paths, no control characters, at most 200 characters. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // No bidi controls either: "invoice\u202Efdp.exe" would show as "invoiceexe.pdf", in Beacon and in the email.
  // deno-lint-ignore no-control-regex
  const clean = withoutBidiControls(base).replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "").replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
  return clean && clean !== "." && clean !== ".." ? clean : "file";
}

/** Types a browser may show in a tab; everything else downloads. No HTML, SVG or XML: they can run script. */
const INLINE_TYPES = new Set([
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/plain",
]);

/** The Content-Type to serve (never one that makes the browser run script) and whether to show it inline. */
export function servingType(contentType: string): { type: string; inline: boolean } {
  const type = contentType.toLowerCase().split(";")[0].trim();
  if (INLINE_TYPES.has(type)) {
    return { type: type === "text/plain" ? "text/plain; charset=utf-8" : type, inline: true };
  }
  return { type: "application/octet-stream", inline: false };
}

/** A Content-Disposition header with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(filename: string, inline: boolean): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The headers a file goes out with where a recipient would open it (a tracked attachment link, the Outbox):
 * a safe type, inline only when safe, and never run as a page of Beacon's whatever it holds. (PDFs are not
 * sandboxed: browsers refuse to show them in a sandbox, and a PDF viewer runs no page script.)
 */
export function fileHeaders(
  file: { contentType: string; filename: string; size: number },
): Record<string, string> {
  const { type, inline } = servingType(file.contentType);
  return {
    "Content-Type": type,
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(file.filename, inline),
    ...(type === "application/pdf"
      ? {}
      : { "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'" }),
    "X-Content-Type-Options": "nosniff",
  };
}
