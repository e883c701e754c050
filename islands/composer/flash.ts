/// <reference lib="dom" />
/** The one-time message the next page shows (the server's flash cookie, encoded as the server does). */
export function setFlash(kind: "success" | "info", text: string, tag?: string) {
  const value = encodeURIComponent(
    encodeURIComponent(JSON.stringify({ kind, text, ...(tag ? { tag } : {}) })),
  );
  document.cookie = `beacon_flash=${value}; path=/; max-age=60; samesite=lax`;
}
