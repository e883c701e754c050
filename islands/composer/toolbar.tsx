/// <reference lib="dom" />
/** The formatting toolbar (one tab stop, arrow keys move between buttons) and the link box. */
import { Fragment, type RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { EditorHandle } from "../../lib/browser/editor.ts";
import type { ActiveFormats, FormatName } from "../../lib/browser/formats.ts";

const ICONS: Record<FormatName, string> = {
  bold: "M6 12h8a4 4 0 0 0 0-8H6zM6 12h9a4 4 0 0 1 0 8H6z",
  italic: "M19 4h-9M14 20H5M15 4 9 20",
  underline: "M6 4v6a6 6 0 0 0 12 0V4M4 20h16",
  bulletList: "M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01",
  orderedList: "M10 6h10M10 12h10M10 18h10M4 4.5h1.2v4M4 15.2a1.3 1.3 0 0 1 2.5.4c0 .9-2.5 1.6-2.5 2.9h2.6",
  blockquote: "M6 17h3l2-4V7H5v6h3zM14 17h3l2-4V7h-6v6h3z",
  link:
    "M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71",
};

const BUTTONS: { format: FormatName; label: string; keys: string; group: number }[] = [
  { format: "bold", label: "Bold", keys: "B", group: 0 },
  { format: "italic", label: "Italic", keys: "I", group: 0 },
  { format: "underline", label: "Underline", keys: "U", group: 0 },
  { format: "bulletList", label: "Bulleted list", keys: "Shift+8", group: 1 },
  { format: "orderedList", label: "Numbered list", keys: "Shift+7", group: 1 },
  { format: "blockquote", label: "Quote", keys: "Shift+B", group: 1 },
  { format: "link", label: "Link", keys: "K", group: 2 },
];

interface ToolbarProps {
  formats: ActiveFormats;
  ready: boolean;
  /** "Ctrl" or "⌘", for the shortcut hints. */
  mod: string;
  linkOpen: boolean;
  onFormat(format: Exclude<FormatName, "link">): void;
  onLink(): void;
}

export function Toolbar(p: ToolbarProps) {
  const [focusIndex, setFocusIndex] = useState(0);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const mac = p.mod === "⌘";

  const onKeyDown = (e: KeyboardEvent) => {
    const last = BUTTONS.length - 1;
    const next = e.key === "ArrowRight"
      ? (focusIndex + 1) % BUTTONS.length
      : e.key === "ArrowLeft"
      ? (focusIndex + last) % BUTTONS.length
      : e.key === "Home"
      ? 0
      : e.key === "End"
      ? last
      : null;
    if (next === null) return;
    e.preventDefault();
    setFocusIndex(next);
    buttons.current[next]?.focus();
  };

  return (
    <div
      class="composer-toolbar"
      role="toolbar"
      aria-label="Formatting"
      aria-controls="composer-body"
      onKeyDown={onKeyDown}
    >
      {BUTTONS.map((b, i) => {
        const pressed = b.format === "link" ? p.formats.link || p.linkOpen : p.formats[b.format];
        const hint = mac ? `⌘${b.keys.replace("Shift+", "⇧")}` : `Ctrl+${b.keys}`;
        return (
          <Fragment key={b.format}>
            {i > 0 && BUTTONS[i - 1].group !== b.group && <span class="toolbar-sep" aria-hidden="true" />}
            <button
              ref={(el) => {
                buttons.current[i] = el;
              }}
              type="button"
              class="composer-tool"
              tabIndex={i === focusIndex ? 0 : -1}
              aria-pressed={pressed}
              aria-label={b.label}
              aria-keyshortcuts={`${mac ? "Meta" : "Control"}+${b.keys}`}
              aria-haspopup={b.format === "link" ? "dialog" : undefined}
              aria-expanded={b.format === "link" ? p.linkOpen : undefined}
              title={`${b.label} (${hint})`}
              disabled={!p.ready}
              data-format={b.format}
              onMouseDown={(e) => e.preventDefault()}
              onFocus={() => setFocusIndex(i)}
              onClick={() => b.format === "link" ? p.onLink() : p.onFormat(b.format)}
            >
              <svg
                viewBox="0 0 24 24"
                width="18"
                height="18"
                fill="none"
                stroke="currentColor"
                stroke-width={b.format === "bold" ? 2.6 : 2}
                stroke-linecap="round"
                stroke-linejoin="round"
                aria-hidden="true"
              >
                <path d={ICONS[b.format]} />
              </svg>
            </button>
          </Fragment>
        );
      })}
    </div>
  );
}

interface LinkBoxProps {
  initial: string;
  /** Applies the address ("" removes the link); false when it is not a web or email address. */
  onApply(href: string): boolean;
  onClose(): void;
  /** Focus went elsewhere (e.g. a click in the text): close without moving focus. */
  onDismiss(): void;
}

/**
 * The link box of an editor: `open` it (Mod-K), `toggle` it (the toolbar's link button), and render `box`
 * under the toolbar. Applying sets the link on the editor's selection; closing gives the editor the focus.
 */
export function useLinkBox(editorRef: RefObject<EditorHandle | null>) {
  const [link, setLink] = useState<{ initial: string } | null>(null);
  const open = () => {
    const editor = editorRef.current;
    if (editor) setLink({ initial: editor.linkHref() });
  };
  const close = () => {
    setLink(null);
    editorRef.current?.focus();
  };
  return {
    isOpen: link !== null,
    open,
    toggle: () => link ? close() : open(),
    box: link && (
      <LinkBox
        initial={link.initial}
        onApply={(href) => {
          const ok = editorRef.current?.setLink(href) ?? false;
          if (ok) setLink(null);
          return ok;
        }}
        onClose={close}
        onDismiss={() => setLink(null)}
      />
    ),
  };
}

/** A small inline box under the toolbar for a link's address. Enter applies, Escape closes. */
function LinkBox(p: LinkBoxProps) {
  const [value, setValue] = useState(p.initial);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const apply = (href: string) => {
    if (p.onApply(href)) return;
    setError("Enter a web address like https://acme.com or an email address.");
    input.current?.focus();
  };

  return (
    <div
      class="link-box"
      role="dialog"
      aria-label="Link"
      onFocusOut={(e) => {
        if (e.relatedTarget && !e.currentTarget.contains(e.relatedTarget as Node)) p.onDismiss();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          p.onClose();
        }
      }}
    >
      <form
        class="link-box-form"
        onSubmit={(e) => {
          e.preventDefault();
          apply(value);
        }}
      >
        <label class="sr-only" for="composer-link-input">Link address</label>
        <input
          ref={input}
          id="composer-link-input"
          type="text"
          inputMode="url"
          autoComplete="off"
          autoCapitalize="off"
          spellcheck={false}
          placeholder="https://… or name@company.com"
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "composer-link-error" : "composer-link-hint"}
          onInput={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
        />
        <button type="submit" class="button button-primary button-small">Apply</button>
        {p.initial && (
          <button
            type="button"
            class="button button-ghost button-small"
            onClick={() => apply("")}
          >
            Remove
          </button>
        )}
        <button type="button" class="button button-ghost button-small" onClick={p.onClose}>Cancel</button>
      </form>
      {error
        ? <p class="error-text" id="composer-link-error">{error}</p>
        : <p class="hint" id="composer-link-hint">Leave empty to remove the link.</p>}
    </div>
  );
}
