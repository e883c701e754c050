import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/browser/api.ts";
import { showToast } from "../lib/browser/toast.ts";
import type { NotifyPrefs } from "../lib/assistant/notify_prefs.ts";

type Prefs = Pick<NotifyPrefs, "browser" | "email">;

const EMAIL_CHOICES: { value: Prefs["email"]; label: string; hint: string }[] = [
  { value: "off", label: "No emails", hint: "Cards stay in Beacon." },
  { value: "immediate", label: "Each card by email", hint: "An email as soon as a card arrives." },
  { value: "digest", label: "Daily digest", hint: "One email at 08:00 your time with the day's new cards." },
];

/** Notification preferences: in-app is always on; browser notifications need the browser's permission. */
export default function NotificationSettings({ prefs: initial }: { prefs: Prefs }) {
  const [prefs, setPrefs] = useState(initial);
  // The server can't know the browser's permission, and hydration keeps the server's attributes, so the
  // page learns it after hydrating (until then the checkbox is as for a browser that hasn't been asked).
  const [permission, setPermission] = useState("default");
  useEffect(
    () => setPermission(typeof Notification === "undefined" ? "unsupported" : Notification.permission),
    [],
  );

  // What the seller just chose, shown while the browser is asked and it is saved; then what is saved. Each
  // render sets the inputs (Preact compares with the DOM), so a choice that wasn't saved doesn't stay shown.
  const [choice, setChoice] = useState<Partial<Prefs>>({});
  const shown = { ...prefs, ...choice };

  /** Saves `patch` once `allowed` (the browser's permission, when needed) says yes. */
  const choose = async (
    patch: Partial<Prefs>,
    allowed: () => Promise<boolean> = () => Promise.resolve(true),
  ) => {
    setChoice(patch);
    try {
      if (!await allowed()) return;
      setPrefs(await api<Prefs>("PATCH", "/me/notifications", patch));
      showToast({ kind: "success", text: "Notification settings saved." });
    } catch (error) {
      showToast({ kind: "error", text: (error as Error).message });
    } finally {
      setChoice({});
    }
  };

  const askPermission = async () => {
    if (permission === "granted" || typeof Notification === "undefined") return true;
    const answer = await Notification.requestPermission();
    setPermission(answer);
    if (answer === "granted") return true;
    showToast({
      kind: "error",
      text: answer === "denied"
        ? "The browser did not allow notifications. Allow them in its site settings."
        : "Browser notifications are still off: the browser's question was closed unanswered. Tick the box to be asked again.",
    });
    return false;
  };

  return (
    <div class="stack form-narrow">
      <label class="check-row">
        <input type="checkbox" checked disabled />
        <span>
          <strong>In Beacon</strong>
          <span class="hint">Toasts and the bell, within a second of a first open. Always on.</span>
        </span>
      </label>
      <label class="check-row">
        <input
          type="checkbox"
          // Each render sets the box (Preact compares with the DOM), so a choice not saved doesn't stay shown.
          checked={shown.browser}
          disabled={permission === "unsupported" || permission === "denied"}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            choose({ browser: on }, on ? askPermission : undefined);
          }}
          data-testid="browser-notifications"
        />
        <span>
          <strong>Browser notifications</strong>
          <span class="hint">
            {permission === "denied"
              ? "This browser blocks notifications from Beacon. Allow them in its site settings first."
              : permission === "unsupported"
              ? "This browser can't show notifications."
              : "Alerts reach you while you are in another app or site."}
          </span>
        </span>
      </label>
      <fieldset class="field">
        <legend>Email me</legend>
        {EMAIL_CHOICES.map((option) => (
          <label class="check-row">
            <input
              type="radio"
              name="email"
              value={option.value}
              checked={shown.email === option.value}
              onChange={() => choose({ email: option.value })}
            />
            <span>
              <strong>{option.label}</strong>
              <span class="hint">{option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </div>
  );
}
