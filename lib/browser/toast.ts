/** Any island can raise a toast; the Toaster island in the layout shows it. */
export interface ToastMessage {
  kind: "success" | "error" | "info";
  text: string;
  /** Optional link, e.g. to the message that was just opened. */
  href?: string;
  linkText?: string;
  /** Toasts about one thing share a tag, and a newer one replaces the older: an email's failure its "on its way". */
  tag?: string;
}

export const TOAST_EVENT = "beacon:toast";

export function showToast(toast: ToastMessage): void {
  globalThis.dispatchEvent(new CustomEvent(TOAST_EVENT, { detail: toast }));
}
