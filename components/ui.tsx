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

export function PageHeader(
  { title, subtitle, actions, back }: {
    title: ComponentChildren;
    subtitle?: ComponentChildren;
    actions?: ComponentChildren;
    back?: { href: string; label: string };
  },
) {
  return (
    <div class="page-header">
      <div>
        {back && <a class="back-link" href={back.href}>← {back.label}</a>}
        <h1>{title}</h1>
        {subtitle && <p class="subtitle">{subtitle}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </div>
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
  autocomplete?: string;
  placeholder?: string;
  autofocus?: boolean;
  maxLength?: number;
}

export function Field(props: FieldProps) {
  const error = props.errors?.[props.name];
  const id = `f-${props.name}`;
  const describedBy = [error && `${id}-error`, props.hint && `${id}-hint`].filter(Boolean).join(" ");
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>
        {props.label}
        {!props.required && <span class="optional">optional</span>}
      </label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? "text") as "text"}
        value={props.value ?? ""}
        required={props.required}
        autoComplete={props.autocomplete}
        placeholder={props.placeholder}
        autoFocus={props.autofocus}
        maxLength={props.maxLength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="error-text" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function TextArea(props: Omit<FieldProps, "type"> & { rows?: number }) {
  const error = props.errors?.[props.name];
  const id = `f-${props.name}`;
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>
        {props.label}
        {!props.required && <span class="optional">optional</span>}
      </label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        maxLength={props.maxLength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {props.value ?? ""}
      </textarea>
      {error && <p class="error-text" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function Select(
  props: Omit<FieldProps, "type"> & { options: { value: string; label: string }[] },
) {
  const error = props.errors?.[props.name];
  const id = `f-${props.name}`;
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>
        {props.label}
        {!props.required && <span class="optional">optional</span>}
      </label>
      <select
        id={id}
        name={props.name}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === (props.value ?? "")}>{o.label}</option>
        ))}
      </select>
      {props.hint && <p class="hint">{props.hint}</p>}
      {error && <p class="error-text" id={`${id}-error`}>{error}</p>}
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

export function Badge({ tone = "neutral", children, title }: {
  tone?: "neutral" | "green" | "amber" | "red" | "blue" | "grey";
  children: ComponentChildren;
  title?: string;
}) {
  return <span class={`badge badge-${tone}`} title={title}>{children}</span>;
}

/** "Next page" link built from the current query with the cursor swapped in. */
export function Pager({ cursor, params }: { cursor: string | null; params: Record<string, string> }) {
  if (!cursor) return null;
  const query = new URLSearchParams({ ...params, cursor });
  return (
    <nav class="pager" aria-label="Pagination">
      <a class="button button-secondary" href={`?${query}`}>Next page →</a>
    </nav>
  );
}

export function SearchBox({ q, placeholder }: { q: string; placeholder: string }) {
  return (
    <form method="get" class="search" role="search">
      <Icon name="search" />
      <input type="search" name="q" value={q} placeholder={placeholder} aria-label={placeholder} />
    </form>
  );
}
