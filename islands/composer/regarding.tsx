/// <reference lib="dom" />
/** "Regarding": the contact or company an email is about, searched among both at once. */
import type { RefObject } from "preact";
import { useState } from "preact/hooks";
import type { RegardingChoice } from "./model.ts";
import { contactLabel, searchCompanies, searchContacts, useSearch } from "./search.ts";
import { Icon } from "../../components/icons.tsx";

interface Option extends RegardingChoice {
  sub: string;
}

async function searchBoth(q: string): Promise<Option[]> {
  const [contacts, companies] = await Promise.all([searchContacts(q, 5), searchCompanies(q, 5)]);
  return [
    ...contacts.map((c): Option => ({ type: "contact", id: c.id, label: contactLabel(c), sub: c.email })),
    ...companies.map((c): Option => ({ type: "company", id: c.id, label: c.name, sub: c.domain ?? "" })),
  ];
}

const TYPE_LABEL = { contact: "Contact", company: "Company" } as const;

interface Props {
  id: string;
  value: RegardingChoice | null;
  onChange(value: RegardingChoice | null): void;
  error: string | null;
  inputRef: RefObject<HTMLInputElement | null>;
}

export function RegardingRow(p: Props) {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const search = useSearch(text, searchBoth);
  const listId = `${p.id}-list`;
  const options = search.query === text.trim() ? search.items : [];
  const shown = open && !p.value && options.length > 0;
  const activeIndex = shown ? Math.min(active, options.length - 1) : -1;
  const noMatch = open && !p.value && text.trim() !== "" && !search.loading && search.query === text.trim() &&
    options.length === 0;

  const choose = (option: Option) => {
    p.onChange({ type: option.type, id: option.id, label: option.label });
    setText("");
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && options.length) {
      e.preventDefault();
      if (!shown) return setOpen(true);
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
    } else if (e.key === "Enter" && !(e.ctrlKey || e.metaKey) && shown) {
      e.preventDefault();
      choose(options[activeIndex]);
    } else if (e.key === "Escape" && (shown || noMatch)) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div class={`composer-row${p.error ? " has-error" : ""}`}>
      <label class="composer-label" for={p.value ? undefined : p.id} id={`${p.id}-label`}>
        Regarding
      </label>
      <div class="composer-control">
        {p.value
          ? (
            <span
              class="chip chip-record"
              data-testid="regarding-chip"
              role="group"
              aria-labelledby={`${p.id}-label`}
            >
              <span class={`chip-type chip-type-${p.value.type}`}>{TYPE_LABEL[p.value.type]}</span>
              <span class="chip-text">{p.value.label}</span>
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove ${TYPE_LABEL[p.value.type].toLowerCase()} ${p.value.label}`}
                onClick={() => {
                  p.onChange(null);
                  requestAnimationFrame(() => p.inputRef.current?.focus());
                }}
              >
                <Icon name="x" size={14} weight={2.2} />
              </button>
            </span>
          )
          : (
            <div class="combo">
              <input
                ref={p.inputRef}
                id={p.id}
                type="text"
                autoComplete="off"
                role="combobox"
                aria-autocomplete="list"
                aria-expanded={shown}
                aria-controls={listId}
                aria-activedescendant={activeIndex >= 0 ? `${listId}-${activeIndex}` : undefined}
                aria-invalid={p.error ? true : undefined}
                aria-describedby={p.error ? `${p.id}-error` : `${p.id}-hint`}
                placeholder="Contact or company"
                value={text}
                onInput={(e) => {
                  setText(e.currentTarget.value);
                  setOpen(true);
                  setActive(0);
                }}
                onKeyDown={onKeyDown}
                onBlur={() => setOpen(false)}
              />
              <span id={`${p.id}-hint`} class="sr-only">
                Optional. Links this email to a contact’s or company’s timeline.
              </span>
              <ul
                id={listId}
                role="listbox"
                aria-label="Contacts and companies"
                class="suggest"
                hidden={!shown}
              >
                {shown && options.map((o, i) => (
                  <li
                    key={`${o.type}-${o.id}`}
                    id={`${listId}-${i}`}
                    role="option"
                    aria-selected={i === activeIndex}
                    class="suggest-option"
                    onMouseDown={(e) => e.preventDefault()}
                    onMouseMove={() => i !== activeIndex && setActive(i)}
                    onClick={() => choose(o)}
                  >
                    <span class={`chip-type chip-type-${o.type}`}>{TYPE_LABEL[o.type]}</span>
                    <span class="suggest-text">
                      <span class="suggest-name">{o.label}</span>
                      {o.sub && <span class="suggest-sub">{o.sub}</span>}
                    </span>
                  </li>
                ))}
              </ul>
              {noMatch && (
                <div class="suggest suggest-empty" role="status">
                  No contact or company matches “{text.trim()}”.
                </div>
              )}
            </div>
          )}
      </div>
      {p.error && (
        <div class="composer-row-errors">
          <p class="error-text" id={`${p.id}-error`}>{p.error}</p>
        </div>
      )}
    </div>
  );
}
