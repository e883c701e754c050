/** Tasks: phone calls and other follow-ups a seller plans, from a card or by hand. */
import { z } from "@hono/zod-openapi";
import { contactKeys } from "../contacts/keys.ts";
import { messageKeys } from "../messages/keys.ts";
import { forbidden, invalid, notFound } from "../http/errors.ts";
import { newId } from "../storage/ids.ts";
import { changesNothing, commitOrConflict, getValues, listValues } from "../storage/kv.ts";
import { checkFuture, instantField } from "../validation/instant.ts";
import { parse } from "../validation/parse.ts";
import { typedText } from "../validation/fields.ts";
import { assistantKeys as keys } from "./keys.ts";
import type { Task } from "./types.ts";

export const TaskInput = z.object({
  subject: typedText({ error: "Enter a subject." }).min(1, "Enter a subject.").max(
    200,
    "At most 200 characters.",
  ),
  notes: typedText().max(5000, "At most 5,000 characters.").default(""),
  dueAt: instantField("2026-03-03T15:00:00Z"),
  contactId: z.string().nullable().default(null),
  messageId: z.string().nullable().default(null),
  cardId: z.string().nullable().default(null),
}).openapi("TaskInput");

export async function createTask(
  kv: Deno.Kv,
  user: { id: string; teamId: string },
  input: unknown,
  now: number,
): Promise<Task> {
  const data = parse(TaskInput, input);
  // A call is planned ahead, like an alarm: a time already past is a mistake, not a plan.
  checkFuture(data.dueAt, now, "dueAt");
  // What it is about must be the team's: an id that isn't is a field to fix, as a draft's `regarding` is.
  const [contact, message] = await Promise.all([
    data.contactId ? kv.get(contactKeys.contact(user.teamId, data.contactId)) : null,
    data.messageId ? kv.get(messageKeys.message(user.teamId, data.messageId)) : null,
  ]);
  const unknown = {
    ...(contact && !contact.value ? { contactId: "Choose a contact of your team." } : {}),
    ...(message && !message.value ? { messageId: "Choose an email of your team." } : {}),
  };
  if (Object.keys(unknown).length) throw invalid(unknown);
  const task: Task = {
    id: newId(now),
    teamId: user.teamId,
    userId: user.id,
    kind: "call",
    ...data,
    done: false,
    doneAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const op = kv.atomic()
    .set(keys.task(task.teamId, task.id), task)
    .set(keys.taskByUser(task.teamId, task.userId, task.id), task.id)
    .set(keys.openTaskByUser(task.teamId, task.userId, task.id), task.id);
  if (task.contactId) op.set(keys.taskByContact(task.teamId, task.contactId, task.id), task.id);
  await commitOrConflict(op);
  return task;
}

/** How many of the newest tasks are read for the done ones shown under the open ones. */
const RECENT_TASKS = 500;

/** The seller's open tasks, however many and however old, soonest first; then the recently done. */
export async function listTasks(kv: Deno.Kv, teamId: string, userId: string): Promise<Task[]> {
  const [open, recent] = await Promise.all([
    listValues<string>(kv, { prefix: keys.openTaskByUser(teamId, userId) }),
    listValues<string>(kv, { prefix: keys.taskByUser(teamId, userId) }, {
      reverse: true,
      limit: RECENT_TASKS,
    }),
  ]);
  const ids = [...new Set([...open, ...recent])];
  const tasks = (await getValues<Task>(kv, ids.map((id) => keys.task(teamId, id)))).filter((t): t is Task =>
    !!t
  );
  return tasks.sort((a, b) => Number(a.done) - Number(b.done) || a.dueAt - b.dueAt);
}

export async function listContactTasks(kv: Deno.Kv, teamId: string, contactId: string): Promise<Task[]> {
  const ids = await listValues<string>(kv, { prefix: keys.taskByContact(teamId, contactId) }, {
    reverse: true,
    limit: 100,
  });
  return (await getValues<Task>(kv, ids.map((id) => keys.task(teamId, id)))).filter((t): t is Task => !!t);
}

/** What a change to a task may set: any of these, the rest stay. */
export const TaskChange = z.object({
  subject: TaskInput.shape.subject,
  notes: TaskInput.shape.notes.removeDefault(),
  dueAt: TaskInput.shape.dueAt,
  done: z.boolean({ error: "Choose done (true) or not (false)." }),
}).partial().openapi("TaskChange");

type Seller = { id: string; teamId: string };

/** The seller's own task, with its entry's versionstamp (a 404 when there is none, 403 when it is another's). */
async function ownTask(kv: Deno.Kv, user: Seller, id: string): Promise<Deno.KvEntry<Task>> {
  const entry = await kv.get<Task>(keys.task(user.teamId, id));
  if (!entry.value) throw notFound("No such task.");
  if (entry.value.userId !== user.id) throw forbidden("This task belongs to someone else.");
  return entry as Deno.KvEntry<Task>;
}

export async function getTask(kv: Deno.Kv, user: Seller, id: string): Promise<Task> {
  return (await ownTask(kv, user, id)).value;
}

/**
 * Changes a task's subject, notes, due time or done state. A new due time must be ahead (an unchanged one
 * may have passed: an overdue call is renamed as it is). A change that changes nothing is not saved.
 */
export async function updateTask(kv: Deno.Kv, user: Seller, id: string, input: unknown, now: number) {
  const change = parse(TaskChange, input);
  const entry = await ownTask(kv, user, id);
  const old = entry.value;
  if (change.dueAt !== undefined && change.dueAt !== old.dueAt) checkFuture(change.dueAt, now, "dueAt");
  const task: Task = { ...old, ...change, updatedAt: now };
  if (change.done !== undefined && change.done !== old.done) task.doneAt = change.done ? now : null;
  if (changesNothing(old, task)) return old;
  const open = keys.openTaskByUser(task.teamId, task.userId, task.id);
  const op = kv.atomic().check(entry).set(entry.key, task);
  await commitOrConflict(task.done ? op.delete(open) : op.set(open, task.id));
  return task;
}

export const setTaskDone = (kv: Deno.Kv, user: Seller, id: string, done: boolean, now: number) =>
  updateTask(kv, user, id, { done }, now);

/** Every key a task is stored under: the record and its indexes. */
export function taskKeys(task: Pick<Task, "teamId" | "userId" | "id" | "contactId">): Deno.KvKey[] {
  return [
    keys.task(task.teamId, task.id),
    keys.taskByUser(task.teamId, task.userId, task.id),
    keys.openTaskByUser(task.teamId, task.userId, task.id),
    ...(task.contactId ? [keys.taskByContact(task.teamId, task.contactId, task.id)] : []),
  ];
}

export async function deleteTask(kv: Deno.Kv, user: Seller, id: string): Promise<void> {
  const entry = await ownTask(kv, user, id);
  const op = kv.atomic().check(entry);
  for (const key of taskKeys(entry.value)) op.delete(key);
  await commitOrConflict(op);
}
