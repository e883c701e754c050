/** Small server-rendered building blocks shared by pages. */
import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { Icon, type IconName } from "./icons.tsx";
import { Page } from "./page_context.ts";
import type { FieldErrors } from "../lib/http/errors.ts";

export function CsrfField() {
  return <input type="hidden" name="_csrf" value={useContext(Page).csrfToken} />;
}

/** A POST form with its CSRF token. */
export function Form(
  { action, children, class: className, id }: {
    action: string;
    children: ComponentChildren;
    class?: string;
    id?: string;
  },
) {
  return (
    <form method="post" action={action} class={className} id={id}>
      <CsrfField />
      {children}
    </form>
  );
}

export interface PageHeaderProps {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  actions?: ComponentChildren;
  back?: { href: string; label: string };
}

export function PageHeader({ title, subtitle, actions, back }: PageHeaderProps) {
  return (
    <div class="page-header">
      <div>
        {back && <a class="back-link" href={back.href}>← {back.label}</a>}
        {/* It can take the focus: where an island sends it when the control that had it goes. */}
        <h1 tabIndex={-1}>{title}</h1>
        {subtitle && <p class="subtitle">{subtitle}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </div>
  );
}

/** The "New …" button at the top of a list page. */
export function NewButton({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a class="button button-primary" href={href}>
      <Icon name="plus" /> {children}
    </a>
  );
}

interface FieldProps {
  label: string;
  name: string;
  value?: string | null;
  type?:
    | "text"
    | "email"
    | "password"
    | "tel"
    | "url"
    | "search"
    | "number"
    | "datetime-local"
    | "date"
    | "time";
  errors?: FieldErrors;
  hint?: ComponentChildren;
  required?: boolean;
  /** Shown, not changeable (and neither required nor optional). */
  readOnly?: boolean;
  autocomplete?: string;
  placeholder?: string;
  autofocus?: boolean;
  maxLength?: number;
}

/** What a control inside a FieldFrame carries to be tied to the frame's label, hint and error. */
interface ControlRefs {
  id: string;
  invalid?: "true";
  describedBy?: string;
}

/**
 * A form control's frame: its label ("optional" unless required or read-only), then the control, its hint
 * and error.
 */
function FieldFrame(
  { label, name, errors, hint, required, readOnly, children }:
    & Pick<
      FieldProps,
      "label" | "name" | "errors" | "hint" | "required" | "readOnly"
    >
    & { children: (refs: ControlRefs) => ComponentChildren },
) {
  const error = errors?.[name];
  const id = `f-${name}`;
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(" ");
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>
        {label}
        {!required && !readOnly && <span class="optional">optional</span>}
      </label>
      {children({ id, invalid: error ? "true" : undefined, describedBy: describedBy || undefined })}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="error-text" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function Field(props: FieldProps) {
  return (
    <FieldFrame {...props}>
      {({ id, invalid, describedBy }) => (
        <input
          id={id}
          name={props.name}
          type={(props.type ?? "text") as "text"}
          value={props.value ?? ""}
          required={props.required}
          readOnly={props.readOnly}
          autoComplete={props.autocomplete}
          placeholder={props.placeholder}
          autoFocus={props.autofocus}
          maxLength={props.maxLength}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        />
      )}
    </FieldFrame>
  );
}

/** A new password, with the rule it has to meet. */
export function NewPasswordField(
  { label, name = "password", errors }: { label: string; name?: string; errors?: FieldErrors },
) {
  return (
    <Field
      label={label}
      name={name}
      type="password"
      errors={errors}
      required
      autocomplete="new-password"
      // The error ("Use at least 10 characters.") says it when there is one.
      hint={errors?.[name] ? undefined : "At least 10 characters."}
    />
  );
}

export function TextArea(props: Omit<FieldProps, "type"> & { rows?: number }) {
  return (
    <FieldFrame {...props}>
      {({ id, invalid, describedBy }) => (
        <textarea
          id={id}
          name={props.name}
          rows={props.rows ?? 4}
          maxLength={props.maxLength}
          placeholder={props.placeholder}
          required={props.required}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        >
          {props.value ?? ""}
        </textarea>
      )}
    </FieldFrame>
  );
}

export function Select(
  props: Omit<FieldProps, "type"> & { options: { value: string; label: string }[] },
) {
  return (
    <FieldFrame {...props}>
      {({ id, invalid, describedBy }) => (
        <select id={id} name={props.name} aria-invalid={invalid} aria-describedby={describedBy}>
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === (props.value ?? "")}>{o.label}</option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/** A checkbox with its label in bold and, under it, what it does (the children). */
export function CheckRow(
  { name, value = "true", checked, required, controls, label, children }: {
    name: string;
    value?: string;
    checked?: boolean;
    required?: boolean;
    /** The id of what the box shows or hides. */
    controls?: string;
    label: ComponentChildren;
    children?: ComponentChildren;
  },
) {
  return (
    <label class="check-row">
      <input
        type="checkbox"
        name={name}
        value={value}
        checked={checked}
        required={required}
        aria-controls={controls}
      />
      <span>
        <strong>{label}</strong>
        {children && <span class="hint">{children}</span>}
      </span>
    </label>
  );
}

/** A form's submit button, and a Cancel link back where there is one. */
export function FormActions(
  { submit, kind = "primary", cancel }: {
    submit: ComponentChildren;
    kind?: "primary" | "secondary" | "danger";
    cancel?: string;
  },
) {
  return (
    <div class="form-actions">
      <button class={`button button-${kind}`} type="submit">{submit}</button>
      {cancel && <a class="button button-ghost" href={cancel}>Cancel</a>}
    </div>
  );
}

/** The message above a form when it could not be saved. */
export function FormAlert({ errors }: { errors?: FieldErrors }) {
  if (!errors || Object.keys(errors).length === 0) return null;
  const general = errors._;
  return (
    <div class="alert alert-error" role="alert">
      {general ?? "Please correct the highlighted fields."}
    </div>
  );
}

export function EmptyState(
  { icon, title, children, action }: {
    icon: IconName;
    title: string;
    children?: ComponentChildren;
    action?: ComponentChildren;
  },
) {
  return (
    <div class="empty">
      <div class="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h2>{title}</h2>
      {children && <p>{children}</p>}
      {action && <div class="empty-action">{action}</div>}
    </div>
  );
}

/**
 * An email address that, when it must wrap, breaks after an "@" or a "." ("ken@globex. / example"), not in
 * the middle of a word ("ken@globex.exam / ple"): a `<wbr>` after each, and `.email-address` turns off the
 * break-anywhere rules of the cell or panel around it.
 */
export function EmailAddress({ address }: { address: string }) {
  const parts = address.split(/(?<=[@.])/);
  return <span class="email-address">{parts.flatMap((part, i) => i ? [<wbr key={i} />, part] : [part])}
  </span>;
}

export function Badge({ tone = "neutral", children, title }: {
  tone?: "neutral" | "green" | "amber" | "red" | "blue" | "grey";
  children: ComponentChildren;
  title?: string;
}) {
  return <span class={`badge badge-${tone}`} title={title}>{children}</span>;
}

/**
 * "Next page" (the current query with the cursor swapped in) while there are more; "First page" on any page
 * after the first (`paged`: reached with a cursor), and "Previous page" from the third on. Cursors only lead
 * forward, so each page's address carries the cursors of the pages before it (`back`, one per page after the
 * first): the way back is read from the address, nothing is kept on the server.
 */
export function Pager(
  { cursor, params, paged = false }: {
    cursor: string | null;
    params: Record<string, string>;
    paged?: boolean;
  },
) {
  const query = useContext(Page).query;
  if (!cursor && !paged) return null;
  const here = query.get("cursor");
  const back = query.getAll("back");
  const page = (at: string | null, trail: string[]) =>
    `?${new URLSearchParams([
      ...Object.entries(params),
      ...(at ? [["cursor", at]] : []),
      ...trail.map((b) => ["back", b]),
    ])}`;
  return (
    <nav class="pager" aria-label="Pagination">
      {paged && <a class="button button-ghost" href={page(null, [])}>← First page</a>}
      {paged && back.length > 0 && (
        <a class="button button-ghost" href={page(back.at(-1)!, back.slice(0, -1))} rel="prev">
          ← Previous page
        </a>
      )}
      {cursor && (
        <a class="button button-secondary" href={page(cursor, here ? [...back, here] : [])} rel="next">
          Next page →
        </a>
      )}
    </nav>
  );
}

/**
 * A table that scrolls sideways on a narrow screen: `head` holds the header row's cells, the children the rows.
 * A table whose rows may hold nothing focusable gets a `label`: its scrolling box then takes the keyboard focus
 * (as a named region), so it can be scrolled without a mouse.
 */
export function DataTable(
  { head, class: className, label, children }: {
    head: ComponentChildren;
    class?: string;
    label?: string;
    children: ComponentChildren;
  },
) {
  return (
    <div class="table-wrap" {...(label ? { role: "region", "aria-label": label, tabIndex: 0 } : {})}>
      <table class={className ? `table ${className}` : "table"}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A list's search box on its own: a form of one field. */
export function SearchBox(
  { q, placeholder, params = {} }: {
    q: string;
    placeholder: string;
    /** The list's other query parameters (a filter), kept by a search. */
    params?: Record<string, string>;
  },
) {
  return (
    <form method="get" class="search" role="search">
      {Object.entries(params).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Icon name="search" />
      <SearchInput q={q} placeholder={placeholder} label={placeholder} />
    </form>
  );
}

/** The `q` field of a list's search, wherever it sits; "/" jumps to it (lib/browser/page_behaviours.ts). */
export function SearchInput(
  { q, placeholder, label, id, maxLength }: {
    q: string;
    placeholder: string;
    /** Its name for screen readers, when no <label> names it. */
    label?: string;
    id?: string;
    maxLength?: number;
  },
) {
  return (
    <input
      id={id}
      type="search"
      name="q"
      value={q}
      placeholder={placeholder}
      aria-label={label}
      maxLength={maxLength}
      aria-keyshortcuts="/"
    />
  );
}
