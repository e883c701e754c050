/** The assistant (action cards) and My tasks. */
import { type Context, Hono } from "hono";
import { island } from "../../components/island.ts";
import { ListPage } from "../../components/list_page.tsx";
import { FormPage } from "../../components/form_page.tsx";
import { EmptyState, Field, Form, PageHeader, TextArea } from "../../components/ui.tsx";
import AssistantBoard from "../../islands/assistant_board.tsx";
import { listCards } from "../../lib/assistant/cards.ts";
import { deleteTask, getTask, listTasks, setTaskDone, updateTask } from "../../lib/assistant/tasks.ts";
import type { Task } from "../../lib/assistant/types.ts";
import { getContacts } from "../../lib/contacts/contacts.ts";
import { contactLabel } from "../../lib/contacts/types.ts";
import { type FieldErrors, invalid } from "../../lib/http/errors.ts";
import { fromLocalInput, toLocalInput } from "../../lib/scheduling/quick.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { DangerZone } from "./contacts.tsx";

export const assistantPages = new Hono<AppEnv>();

assistantPages.get("/assistant", async (c) => {
  const { user, team } = viewer(c);
  const cards = await listCards(c.get("deps").kv, team.id, user.id);
  return render(
    c,
    { title: "Assistant" },
    <>
      <PageHeader
        title="Assistant"
        subtitle="What your customers did — and didn't do — that needs you. Newest and most urgent first."
        actions={<a class="button button-secondary" href="/tasks">My tasks</a>}
      />
      {island(AssistantBoard, { cards, zone: user.timeZone })}
    </>,
  );
});

assistantPages.get("/tasks", async (c) => {
  const { kv, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const tasks = await listTasks(kv, team.id, user.id);
  // After "Mark done" or "Reopen" (a form post, then this page again), the keyboard focus starts on the task
  // the seller goes on to, or on the list, rather than at the top of the page.
  const focus = c.req.query("focus");
  const focusTask = tasks.find((t) => t.id === focus);
  const contacts = await getContacts(kv, team.id, [
    ...new Set(tasks.map((t) => t.contactId).filter((id): id is string => !!id)),
  ]);
  const names = new Map(contacts.filter((x) => !!x).map((x) => [x!.id, contactLabel(x!)]));
  const now = clock.now();
  return render(
    c,
    { title: "My tasks" },
    <ListPage
      title="My tasks"
      subtitle="Calls you planned from your cards."
      back={{ href: "/assistant", label: "Assistant" }}
      items={tasks}
      // After the last task was deleted, the focus is on the empty list rather than on the page.
      empty={
        <section aria-label="Tasks" tabIndex={-1} autoFocus={!!focus}>
          <EmptyState icon="task" title="No tasks">
            Plan a call from a card in your assistant and it appears here.
          </EmptyState>
        </section>
      }
    >
      <section class="card" aria-label="Tasks" tabIndex={-1} autoFocus={!!focus && !focusTask}>
        <ul class="list tasks">
          {tasks.map((task) => (
            <li key={task.id} class={`list-row${task.done ? " is-done" : ""}`}>
              <div>
                <div class="task-subject" id={`task-${task.id}`}>{task.subject}</div>
                <div class="muted small">
                  {task.done
                    ? `Done ${formatDateTime(task.doneAt!, user.timeZone, now)}`
                    : `Due ${formatDateTime(task.dueAt, user.timeZone, now)}`}
                  {!task.done && task.dueAt < now && (
                    <>
                      {" · "}
                      <strong class="danger-text">overdue</strong>
                    </>
                  )}
                  {task.contactId && names.get(task.contactId) && (
                    <>
                      {" · "}
                      <a href={`/contacts/${task.contactId}`}>{names.get(task.contactId)}</a>
                    </>
                  )}
                  {task.messageId && (
                    <>
                      {" · "}
                      <a href={`/messages/${task.messageId}`}>the email</a>
                    </>
                  )}
                </div>
                {task.notes && <div class="small task-notes">{task.notes}</div>}
              </div>
              <div class="row-actions">
                <a
                  class="button button-small button-ghost"
                  href={`/tasks/${task.id}/edit`}
                  aria-describedby={`task-${task.id}`}
                >
                  Edit
                </a>
                <Form action={`/tasks/${task.id}/${task.done ? "reopen" : "done"}`}>
                  <button
                    class={`button button-small ${task.done ? "button-ghost" : "button-secondary"}`}
                    type="submit"
                    aria-describedby={`task-${task.id}`}
                    autoFocus={task === focusTask}
                  >
                    {task.done ? "Reopen" : "Mark done"}
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </ListPage>,
  );
});

for (const [action, done] of [["done", true], ["reopen", false]] as const) {
  assistantPages.post(`/tasks/:id/${action}`, async (c) => {
    const { kv, clock } = c.get("deps");
    const { user, team } = viewer(c);
    const id = c.req.param("id");
    let focus = id; // reopened: its own "Mark done"
    if (done) {
      // Done: on to the next task still to do below it, else the nearest above it, else the list.
      const tasks = await listTasks(kv, team.id, user.id);
      const at = tasks.findIndex((t) => t.id === id);
      const toDo = (t: Task) => !t.done && t.id !== id;
      focus = (tasks.slice(at + 1).find(toDo) ?? tasks.slice(0, at).findLast(toDo))?.id ?? "list";
    }
    await setTaskDone(kv, user, id, done, clock.now());
    return redirectWithFlash(c, `/tasks?focus=${focus}`, {
      kind: "success",
      text: done ? "Task done." : "Task reopened.",
    });
  });
}

/** A task's edit form: subject, due time in the seller's zone, notes; and deleting it. */
function taskFormPage(
  c: Context<AppEnv>,
  { task, values, errors, status }: {
    task: Task;
    values: Record<string, string>;
    errors?: FieldErrors;
    status?: 400 | 409 | 429;
  },
) {
  const zone = viewer(c).user.timeZone;
  return render(
    c,
    { title: "Edit task", status },
    <FormPage
      title="Edit task"
      back={{ href: "/tasks", label: "My tasks" }}
      action={`/tasks/${task.id}`}
      errors={errors}
      submit="Save changes"
      cancel="/tasks"
      after={
        <DangerZone action={`/tasks/${task.id}/delete`} label="Delete task">
          The task goes from your list. Nothing else changes.
        </DangerZone>
      }
    >
      <Field label="Subject" name="subject" value={values.subject} errors={errors} required autofocus />
      <Field
        label="Due"
        name="dueAt"
        type="datetime-local"
        value={values.dueAt}
        errors={errors}
        required
        hint={`Your time (${zone}). A new time must be ahead.`}
      />
      <TextArea label="Notes" name="notes" value={values.notes} errors={errors} rows={4} />
    </FormPage>,
  );
}

assistantPages.get("/tasks/:id/edit", async (c) => {
  const { user } = viewer(c);
  const task = await getTask(c.get("deps").kv, user, c.req.param("id"));
  return taskFormPage(c, {
    task,
    values: { subject: task.subject, notes: task.notes, dueAt: toLocalInput(task.dueAt, user.timeZone) },
  });
});

assistantPages.post("/tasks/:id", async (c) => {
  const { kv, clock } = c.get("deps");
  const { user } = viewer(c);
  const task = await getTask(kv, user, c.req.param("id"));
  const values = await formFields(c);
  const result = await tryForm(() => {
    // The time as the form showed it (to the minute) is the task's own: unchanged, even if it has passed.
    const shown = values.dueAt === toLocalInput(task.dueAt, user.timeZone);
    const dueAt = shown ? task.dueAt : fromLocalInput(values.dueAt ?? "", user.timeZone);
    if (dueAt === null) throw invalid({ dueAt: "Choose a date and time." });
    return updateTask(
      kv,
      user,
      task.id,
      { subject: values.subject, notes: values.notes, dueAt },
      clock.now(),
    );
  });
  if (!result.ok) return taskFormPage(c, { task, values, errors: result.errors, status: result.status });
  return redirectWithFlash(c, `/tasks?focus=${task.id}`, { kind: "success", text: "Task saved." });
});

assistantPages.post("/tasks/:id/delete", async (c) => {
  await deleteTask(c.get("deps").kv, viewer(c).user, c.req.param("id"));
  return redirectWithFlash(c, "/tasks?focus=list", { kind: "success", text: "Task deleted." });
});
