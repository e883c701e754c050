/**
 * A new email's content, kept in the tab (sessionStorage) when the page is left before its first save came
 * back: reloaded, the page (same address, same draft key) puts it back and saves it, and the draft key makes
 * that save land on the draft the leaving page's last save made, if it made one. Kept per key; dropped once
 * the draft is saved. Storage that is full or refused keeps nothing: the save sent as the page was left is then
 * all there is.
 */
import type { ComposerForm } from "./model.ts";

export interface Unsaved {
  form: ComposerForm;
  html: string;
}

const itemOf = (key: string) => `beacon.unsaved-email.${key}`;

export function keepUnsaved(storage: Storage, key: string, unsaved: Unsaved): void {
  try {
    storage.setItem(itemOf(key), JSON.stringify(unsaved));
  } catch {
    // Full or refused (private browsing): nothing kept.
  }
}

export function readUnsaved(storage: Storage, key: string): Unsaved | null {
  try {
    const kept = JSON.parse(storage.getItem(itemOf(key)) ?? "null");
    return kept && typeof kept.html === "string" && kept.form && Array.isArray(kept.form.to) ? kept : null;
  } catch {
    return null;
  }
}

export function forgetUnsaved(storage: Storage, key: string): void {
  try {
    storage.removeItem(itemOf(key));
  } catch {
    // Refused: it is overwritten or dropped with the tab.
  }
}
