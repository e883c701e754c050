/// <reference lib="dom" />
/** A To/Cc/Bcc field: recipient chips and a combobox that suggests the team's contacts. */
import type { ComponentChildren, RefObject } from "preact";
import { useState } from "preact/hooks";
import { addChips, type Chip, looksLikeEmail, parseAddresses } from "./model.ts";
import { type ContactHit, contactLabel, searchContacts, useSearch } from "./search.ts";
import { Icon } from "../../components/icons.tsx";

interface Props {
  /** The input's id; list, error and hint ids derive from it. */
  id: string;
  label: string;
  chips: Chip[];
  onChange(chips: Chip[]): void;
  error: string | null;
  inputRef: RefObject<HTMLInputElement | null>;
  /**
   * The parent calls this before sending, so nothing typed is lost: an address still being typed becomes a
   * chip; anything else (a half-typed name) is returned, for the parent to ask the user to finish or remove.
   */
  commitRef: { current: (() => string | null) | null };
  /** The text being typed changed (the parent clears the field's error). */
  onType?(): void;
  placeholder?: string;
  /** Shown at the end of the row (the Cc and Bcc toggles). */
  after?: ComponentChildren;
}

/** More chips than this are shown as the first SHOWN_WHEN_FOLDED and "+N more" while the field isn't in use. */
const FOLD_OVER = 8;
const SHOWN_WHEN_FOLDED = 3;

export function RecipientRow(p: Props) {
  const [text, setText] = useState("");
  // Fifty recipients would push Subject and the body a screen down: folded while the focus is elsewhere.
  const [unfolded, setUnfolded] = useState(false);
  const folded = !unfolded && p.chips.length > FOLD_OVER;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const search = useSearch(text, searchContacts);
  const listId = `${p.id}-list`;

  // While a refined search is on its way, the previous results stay up (no flicker between keystrokes).
  const current = search.query === text.trim() ||
    (search.loading && search.query !== "" &&
      text.trim().toLowerCase().startsWith(search.query.toLowerCase()));
  const options = current
    ? search.items.filter((c) => !p.chips.some((chip) => chip.email === c.email.toLowerCase()))
    : [];
  const shown = open && text.trim() !== "" && options.length > 0;
  const activeIndex = shown ? Math.min(active, options.length - 1) : -1;
  const noMatch = open && text.trim() !== "" && !search.loading && search.query === text.trim() &&
    options.length === 0 && !looksLikeEmail(text);

  const add = (chips: Chip[]) => {
    p.onChange(addChips(p.chips, chips));
    setText("");
    setOpen(false);
  };
  const addTyped = () => {
    if (!looksLikeEmail(text)) return false;
    add([{ email: text.trim().toLowerCase(), name: "", contactId: null, error: null }]);
    return true;
  };
  const pick = (contact: ContactHit, refocus = true) => {
    add([{
      email: contact.email.toLowerCase(),
      name: contactLabel(contact),
      contactId: contact.id,
      error: null,
    }]);
    if (refocus) p.inputRef.current?.focus();
  };
  const remove = (index: number) => {
    p.onChange(p.chips.filter((_, i) => i !== index));
    p.inputRef.current?.focus();
  };
  p.commitRef.current = () => addTyped() || !text.trim() ? null : text.trim();

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!options.length) return;
        e.preventDefault();
        if (!shown) {
          setOpen(true);
          setActive(0);
          return;
        }
        const step = e.key === "ArrowDown" ? 1 : -1;
        setActive((activeIndex + step + options.length) % options.length);
        return;
      }
      case "Enter":
        if (e.ctrlKey || e.metaKey) return; // Send
        if (shown && activeIndex >= 0) {
          e.preventDefault();
          pick(options[activeIndex]);
        } else if (text.trim()) {
          e.preventDefault();
          addTyped();
        }
        return;
      case "Escape":
        if (shown || noMatch) {
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
        }
        return;
      case ",":
      case ";":
        if (addTyped() || !text.trim()) e.preventDefault();
        return;
      case "Tab":
        if (e.shiftKey) return;
        if (!addTyped() && shown && activeIndex >= 0) pick(options[activeIndex], false);
        return;
      case "Backspace":
        if (text === "" && p.chips.length) {
          e.preventDefault();
          p.onChange(p.chips.slice(0, -1));
        }
        return;
    }
  };

  const onPaste = (e: ClipboardEvent) => {
    const data = e.clipboardData?.getData("text") ?? "";
    if (!/[,;\n<]/.test(data)) return;
    const { emails, rest } = parseAddresses(text + data);
    if (!emails.length) return;
    e.preventDefault();
    p.onChange(addChips(p.chips, emails.map((email) => ({ email, name: "", contactId: null, error: null }))));
    setText(rest);
  };

  const invalid = p.chips.map((c, i) => ({ c, i })).filter(({ c }) => c.error);
  const describedBy = [
    ...invalid.map(({ i }) => `${p.id}-chip-${i}-error`),
    p.error ? `${p.id}-error` : "",
  ].filter(Boolean).join(" ") || undefined;

  return (
    <div class={`composer-row${p.error || invalid.length ? " has-error" : ""}`}>
      <label class="composer-label" for={p.id}>{p.label}</label>
      <div
        class="composer-control chips-input"
        onFocusIn={(e) => !(e.target as HTMLElement).classList.contains("chip-more") && setUnfolded(true)}
        onFocusOut={(e) =>
          !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null) && setUnfolded(false)}
        onClick={(e) =>
          !(e.target as HTMLElement).closest("button, input, .chip, .suggest") && p.inputRef.current?.focus()}
      >
        <ul class="chips" aria-label={`${p.label} recipients`}>
          {p.chips.map((chip, i) =>
            (!folded || i < SHOWN_WHEN_FOLDED || chip.error) && (
              <li
                key={chip.email}
                class={`chip${chip.error ? " chip-invalid" : ""}${chip.contactId ? " chip-contact" : ""}`}
                title={chip.error
                  ? `${chip.email}: ${chip.error}`
                  : chip.name
                  ? `${chip.name} <${chip.email}>`
                  : chip.email}
                data-testid="chip"
              >
                <span class="chip-text">{chip.name || chip.email}</span>
                {chip.name && <span class="sr-only">{` <${chip.email}>`}</span>}
                {chip.error && <span class="sr-only">(not a valid address)</span>}
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={`Remove ${chip.name || chip.email}`}
                  onClick={() => remove(i)}
                >
                  <Icon name="x" size={14} weight={2.2} />
                </button>
              </li>
            )
          )}
          {folded && (
            <li>
              <button
                type="button"
                class="chip-more"
                // It goes as the list unfolds: the focus goes to the field's input instead.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setUnfolded(true);
                  p.inputRef.current?.focus();
                }}
              >
                +{p.chips.filter((c, i) => i >= SHOWN_WHEN_FOLDED && !c.error).length} more
                <span class="sr-only">{` ${p.label} recipients: show all ${p.chips.length}`}</span>
              </button>
            </li>
          )}
          <li class="combo">
            <input
              ref={p.inputRef}
              id={p.id}
              type="text"
              inputMode="email"
              autoComplete="off"
              autoCapitalize="off"
              spellcheck={false}
              role="combobox"
              aria-autocomplete="list"
              aria-expanded={shown}
              aria-controls={listId}
              aria-activedescendant={activeIndex >= 0 ? `${listId}-${activeIndex}` : undefined}
              aria-invalid={p.error || invalid.length ? true : undefined}
              aria-describedby={describedBy}
              placeholder={p.chips.length ? "" : p.placeholder}
              value={text}
              onInput={(e) => {
                const value = e.currentTarget.value;
                setText(value);
                setOpen(true);
                p.onType?.();
                setActive(looksLikeEmail(value) ? -1 : 0);
              }}
              onKeyDown={onKeyDown}
              onPaste={onPaste}
              onBlur={() => {
                setOpen(false);
                addTyped();
              }}
            />
            <ul
              id={listId}
              role="listbox"
              aria-label={`Contacts matching “${text.trim()}”`}
              class="suggest"
              hidden={!shown}
            >
              {shown && options.map((c, i) => (
                <li
                  key={c.id}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === activeIndex}
                  class="suggest-option"
                  onMouseDown={(e) => e.preventDefault()}
                  onMouseMove={() => i !== activeIndex && setActive(i)}
                  onClick={() => pick(c)}
                >
                  <span class="suggest-avatar" aria-hidden="true">{initials(contactLabel(c))}</span>
                  <span class="suggest-text">
                    <span class="suggest-name">{contactLabel(c)}</span>
                    <span class="suggest-sub">{c.email}</span>
                  </span>
                </li>
              ))}
            </ul>
            {noMatch && (
              <div class="suggest suggest-empty" role="status">
                No contact matches “{text.trim()}”. Type a full address to add it.
              </div>
            )}
          </li>
        </ul>
      </div>
      {p.after && <div class="composer-row-after">{p.after}</div>}
      {(invalid.length > 0 || p.error) && (
        <div class="composer-row-errors">
          {invalid.map(({ c, i }) => (
            <p key={c.email} class="error-text" id={`${p.id}-chip-${i}-error`}>
              {c.email}: {c.error}
            </p>
          ))}
          {p.error && <p class="error-text" id={`${p.id}-error`}>{p.error}</p>}
        </div>
      )}
    </div>
  );
}

export function initials(name: string): string {
  const words = name.replace(/@.*/, "").split(/[\s._-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? "") + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase() || "?";
}
