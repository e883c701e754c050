/**
 * A path to follow (a redirect after sign-in, a link in a message), kept only when it is one of this site's
 * pages. It is read the way a browser will read it — which drops tabs and newlines and takes `\` for `/`, so
 * "/\t/evil.example" means "//evil.example" — and what is returned is that reading. Pure.
 */
export function localPath(path: unknown, base = "http://localhost/"): string | null {
  if (typeof path !== "string" || !path.startsWith("/")) return null;
  const url = URL.parse(path, base);
  const local = url && url.pathname + url.search + url.hash;
  return local && url.origin === new URL(base).origin && !local.startsWith("//") ? local : null;
}
