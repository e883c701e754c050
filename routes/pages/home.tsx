/** Activity: the home page. Until the first email is sent, a short getting-started list. */
import { Hono } from "hono";
import { Icon } from "../../components/icons.tsx";
import { PageHeader } from "../../components/ui.tsx";
import { listContacts } from "../../lib/contacts/contacts.ts";
import { listMembers } from "../../lib/accounts/users.ts";
import type { AppEnv } from "../deps.ts";
import { viewer } from "../middleware/auth.ts";
import { render } from "../render.tsx";

export const homePages = new Hono<AppEnv>();

homePages.get("/", async (c) => {
  const { kv } = c.get("deps");
  const { user, team } = viewer(c);
  const [contacts, members] = await Promise.all([
    listContacts(kv, team.id, { limit: 1 }),
    listMembers(kv, team.id),
  ]);
  const steps = [
    { done: contacts.items.length > 0, href: "/contacts/new", text: "Add a contact with their time zone" },
    { done: members.length > 1, href: "/team", text: "Invite a teammate" },
  ];
  return render(
    c,
    { title: "Activity" },
    <>
      <PageHeader title="Activity" subtitle={`Hello, ${user.name.split(" ")[0]}.`} />
      <section class="card" aria-labelledby="start-title">
        <h2 id="start-title" class="card-title">Get started</h2>
        <ol class="checklist">
          {steps.map((step) => (
            <li class={step.done ? "done" : ""}>
              <span class="check" aria-hidden="true">
                {step.done ? <Icon name="check" size={14} /> : null}
              </span>
              <a href={step.href}>{step.text}</a>
              {step.done && <span class="sr-only">(done)</span>}
            </li>
          ))}
        </ol>
      </section>
    </>,
  );
});
