/** The client's address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(
  headers: Headers,
  remote: { hostname?: string } | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return remote?.hostname ?? "unknown";
}
