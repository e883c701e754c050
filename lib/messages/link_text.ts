/**
 * Which links go out untracked because their text is a web address. Pure; runs on the server (render.ts) and in
 * the composer, which says so before the email is sent.
 */

/**
 * Link text that is a web address (`https://acme.example/x`, `acme.example`, `www.Acme.example/pricing`). Such a
 * link keeps its own URL: a tracked URL behind a shown address is what Thunderbird's "This message might be a
 * scam", Outlook's and spam filters' phishing rules look for (the address shown is not where the link goes).
 */
const WEB_ADDRESS = /^(?:https?:\/\/)?(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?::\d+)?(?:[/?#]\S*)?$/iu;

export const showsAddress = (text: string): boolean => WEB_ADDRESS.test(text.trim());

/** Links Beacon can redirect through its tracker. */
export const TRACKABLE_SCHEME = /^https?:/i;

/** How many links of a document would be tracked but for showing their address as their text. */
export function untrackedLinks(root: ParentNode): number {
  return [...root.querySelectorAll("a[href]")].filter((a) =>
    TRACKABLE_SCHEME.test(a.getAttribute("href") ?? "") && showsAddress(a.textContent ?? "")
  ).length;
}
