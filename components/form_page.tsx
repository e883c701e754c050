/** The page around a record's form (a company, a contact): new or existing, and again when it can't be saved. */
import type { ComponentChildren } from "preact";
import type { FieldErrors } from "../lib/http/errors.ts";
import { Form, FormActions, FormAlert, PageHeader } from "./ui.tsx";

/** What a record's form page shows: a new record without an id, or the one with it. */
export interface FormPageState {
  title: string;
  back: { href: string; label: string };
  id?: string;
  values: Record<string, string>;
  /** What could not be saved, and the status that says so. */
  errors?: FieldErrors;
  status?: 400 | 409 | 429;
  /** Shown below the form (a danger zone). */
  after?: ComponentChildren;
}

/** The header with its way back, the form card (the children are its fields), and what follows it. */
export function FormPage(
  { title, back, action, errors, submit, cancel, after, children }:
    & Omit<FormPageState, "id" | "values" | "status">
    & {
      action: string;
      submit: string;
      cancel: string;
      children: ComponentChildren;
    },
) {
  return (
    <>
      <PageHeader title={title} back={back} />
      <Form action={action} class="card form-card stack">
        <FormAlert errors={errors} />
        {children}
        <FormActions submit={submit} cancel={cancel} />
      </Form>
      {after}
    </>
  );
}
