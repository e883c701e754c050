/**
 * "Don't track me": the link in the optional tracking notice. The recipient confirms with a
 * button (a GET must change nothing: link scanners fetch every URL in an email), then their
 * address goes on the team's suppression list (which outlives the contact) and their contact's
 * preference becomes "do not allow". Mounted before sessions and CSRF: recipients have no
 * account; the signed token is the authority.
 *
 * The link stands for one address only when the email went to one person. Otherwise (Cc, Bcc,
 * several To) everyone got the same link, so the page asks whose address it is, and answers a
 * typed address the same whether or not it got the email: the link must not tell whoever holds
 * it who else did (a Bcc).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { createContact, findContactByEmail, patchContact } from "../lib/contacts/contacts.ts";
import { suppressTracking } from "../lib/privacy/suppression.ts";
import { takeOptOutTry } from "../lib/privacy/opt_out_tries.ts";
import { messageKeys } from "../lib/messages/keys.ts";
import { toOnePerson } from "../lib/messages/send_rules.ts";
import type { Message } from "../lib/messages/types.ts";
import { UNKNOWN_RECIPIENT } from "../lib/tracking/tokens.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { recipientPage } from "./recipient_page.ts";

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);

const invalid = (c: Context<AppEnv>) =>
  recipientPage(c, "This link is not valid", "<p>It may be broken or old.</p>", 404);

export function optOutRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  async function resolve(c: Context<AppEnv>) {
    const ref = await deps.signer.verify(c.req.param("token")!, "optout");
    const message = ref && (await deps.kv.get<Message>(messageKeys.message(ref.teamId, ref.messageId))).value;
    if (!ref || !message) return null;
    const recipients = [...message.to, ...message.cc, ...message.bcc].map((r) => r.email.toLowerCase());
    const only = toOnePerson(message) && ref.recipient !== UNKNOWN_RECIPIENT ? recipients[0] : undefined;
    return { ref, recipients, only };
  }

  app.get("/t/x/:token", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    const known = !!found.only;
    return recipientPage(
      c,
      "Stop tracking my emails",
      `<p>The sender uses Beacon to see when emails are opened and links are clicked. You can ask not to be tracked:` +
        ` later emails from this sender's team will carry no tracking.</p>` +
        `<form method="post">${
          known ? "" : `<p><label>Your email address<br><input name="email" type="email" required ` +
            `style="font:inherit;padding:.4rem;width:100%"></label></p>`
        }<button type="submit" style="font:inherit;padding:.5rem 1rem">Don't track me</button></form>`,
    );
  });

  app.post("/t/x/:token", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    const { ref, recipients, only } = found;
    if (!only && !await takeOptOutTry(deps.kv, ref.teamId, ref.messageId, deps.clock.now())) {
      return recipientPage(
        c,
        "Too many tries",
        "<p>Too many addresses were tried with this link. Try again in an hour, or reply to the sender.</p>",
        429,
      );
    }
    const email = only ?? String((await c.req.parseBody()).email ?? "").trim().toLowerCase();
    const done = only
      ? `<p>Emails from this team to ${escape(email)} will no longer be tracked.</p>`
      : `<p>If ${
        escape(email)
      } received this email, emails from this team to it will no longer be tracked.</p>`;
    if (!recipients.includes(email)) return recipientPage(c, "Done", done);
    await suppressTracking(deps.kv, ref.teamId, email, deps.clock.now());
    const contact = await findContactByEmail(deps.kv, ref.teamId, email);
    if (!contact) {
      // Not a contact yet: one is made to hold the preference, so the next email respects it.
      await createContact(deps.kv, ref.teamId, {
        firstName: email.split("@")[0].slice(0, 80),
        email,
        tracking: "do_not_allow",
        notes: "Asked not to be tracked (from the link in an email).",
      }, deps.clock.now());
    } else if (contact.tracking !== "do_not_allow") {
      await patchContact(
        deps.kv,
        ref.teamId,
        contact.id,
        () => ({ tracking: "do_not_allow" }),
        deps.clock.now(),
      );
    }
    return recipientPage(c, "Done", done);
  });

  return app;
}
