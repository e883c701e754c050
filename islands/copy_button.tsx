import { useState } from "preact/hooks";
import { showToast } from "../lib/browser/toast.ts";

/**
 * Copies a text (an invite link, a new API token) to the clipboard. Where the browser won't (no clipboard
 * outside a secure context, or permission refused), it selects the text shown beside it (`.copy-row code`)
 * and says so, instead of claiming it copied.
 */
export default function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async (button: HTMLButtonElement) => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard in this context");
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 2000);
    } catch {
      const shown = button.closest(".copy-row")?.querySelector("code");
      if (shown) getSelection()?.selectAllChildren(shown);
      showToast({
        kind: "error",
        text: `The browser didn't let Beacon copy it. ${
          shown ? "It is selected: press Ctrl+C (⌘C on a Mac)." : "Select it and copy it yourself."
        }`,
      });
    }
  };
  return (
    <button
      type="button"
      class="button button-secondary button-small"
      onClick={(e) => copy(e.currentTarget)}
    >
      {done ? "Copied" : label}
    </button>
  );
}
