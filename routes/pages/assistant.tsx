/** The assistant (action cards) and My tasks. */
import { Hono } from "hono";
import { island } from "../../components/island.ts";
import { ListPage } from "../../components/list_page.tsx";
import { EmptyState, Form, PageHeader } from "../../components/ui.tsx";
import AssistantBoard from "../../islands/assistant_board.tsx";
import { listCards } from "../../lib/assistant/cards.ts";
import { listTasks, setTaskDone } from "../../lib/assistant/tasks.ts";
import type { Task } from "../../lib/assistant/types.ts";
import { getContacts } from "../../lib/contacts/contacts.ts";
import { contactLabel } from "../../lib/contacts/types.ts";
import { formatDateTime } from "../../lib/time/format.ts";
import type { AppEnv } from "../deps.ts";
import { viewer } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";

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
      empty={
        <EmptyState icon="task" title="No tasks">
          Plan a call from a card in your assistant and it appears here.
        </EmptyState>
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
                {task.notes && <div class="small">{task.notes}</div>}
              </div>
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
