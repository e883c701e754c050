/** The compose page: the composer island on a new email, or on one of the seller's drafts. */
import { type Context, Hono } from "hono";
import { island } from "../../components/island.ts";
import { EmptyState, PageHeader } from "../../components/ui.tsx";
import { AppError } from "../../lib/http/errors.ts";
import Composer from "../../islands/composer.tsx";
import { teamSettings } from "../../lib/accounts/types.ts";
import { listAlarms } from "../../lib/alarms/alarms.ts";
import { getCompany } from "../../lib/contacts/companies.ts";
import { getContact } from "../../lib/contacts/contacts.ts";
import { contactLabel, contactName } from "../../lib/contacts/types.ts";
import type { ComposerDraft, ComposerProps } from "../../lib/messages/composer_props.ts";
import {
  DRAFT_KEY,
  draftOfKey,
  editableDraft,
  getMessage,
  getMessageBody,
} from "../../lib/messages/drafts.ts";
import { randomToken } from "../../lib/crypto/tokens.ts";
import type { Message, Regarding } from "../../lib/messages/types.ts";
import { getVersion } from "../../lib/templates/templates.ts";
import type { AppEnv, Viewer } from "../deps.ts";
import { viewer } from "../middleware/auth.ts";
import { render } from "../render.tsx";

export const composePages = new Hono<AppEnv>();

async function regardingLabel(kv: Deno.Kv, teamId: string, regarding: Regarding | null) {
  if (!regarding) return null;
  try {
    const label = regarding.type === "contact"
      ? contactLabel(await getContact(kv, teamId, regarding.id))
      : (await getCompany(kv, teamId, regarding.id)).name;
    return { ...regarding, label };
  } catch {
    return null; // the record was deleted since; the seller picks again
  }
}

/** The template a draft came from, with that version's name ("From template: Proposal follow-up v3"). */
async function templateLabel(kv: Deno.Kv, v: Viewer, message: Message) {
  const ref = message.template;
  if (!ref) return null;
  const name = await getVersion(kv, v, ref.id, ref.version).then((t) => t.name, () => null);
  return { id: ref.id, version: ref.version, name };
}

export async function composerDraft(kv: Deno.Kv, v: Viewer, message: Message): Promise<ComposerDraft> {
  return {
    id: message.id,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    html: await getMessageBody(kv, message),
    regarding: await regardingLabel(kv, message.teamId, message.regarding),
    followWanted: message.followWanted,
    follow: message.follow,
    blockedBy: message.blockedBy,
    sendIndividually: message.sendIndividually,
    attachments: message.attachments ?? [],
    template: await templateLabel(kv, v, message),
    updatedAt: message.updatedAt,
    revision: message.revision ?? 0,
  };
}

/**
 * The composer's page. Never kept in a cache: a draft changes as it is written and stops being one when sent,
 * so Back after Send asks the server again, which answers with the sent email's page.
 */
function page(c: Context<AppEnv>, props: ComposerProps, back = { href: "/", label: "Activity" }) {
  c.header("Cache-Control", "no-store");
  const title = props.draft ? "Edit draft" : "New email";
  return render(
    c,
    { title },
    <>
      <PageHeader title={title} back={back} />
      {island(Composer, props)}
    </>,
  );
}

/** A draft's page once the draft is gone. */
function gone(c: Context<AppEnv>) {
  c.header("Cache-Control", "no-store");
  return render(
    c,
    { title: "Draft discarded", status: 404 },
    <>
      <PageHeader title="Draft discarded" back={{ href: "/", label: "Activity" }} />
      <div class="card">
        <EmptyState
          icon="mail"
          title="This draft is gone"
          action={<a class="button button-primary" href="/compose">Compose an email</a>}
        >
          It was discarded, here or in another tab. Your other drafts are listed on Activity.
        </EmptyState>
      </div>
    </>,
  );
}

composePages.get("/compose", async (c) => {
  const { kv, config } = c.get("deps");
  const v = viewer(c);
  const { user, team } = v;
  // The page's key names the draft its first save made: reloaded after that, it is that draft's page.
  const asked = c.req.query("key") ?? "";
  const key = DRAFT_KEY.test(asked) ? asked : null;
  const keyed = key ? await draftOfKey(kv, v, key) : null;
  if (keyed) {
    return c.redirect(keyed.status === "draft" ? `/compose/${keyed.id}` : `/messages/${keyed.id}`, 303);
  }
  const contactId = c.req.query("to");
  const contact = contactId ? await getContact(kv, team.id, contactId).catch(() => null) : null;
  const props: ComposerProps = {
    draft: null,
    // A key no draft has yet is kept: the save that makes its draft may still be on its way (sent as the page
    // was left), and both then make the one draft.
    draftKey: key ?? randomToken(16),
    prefill: contact
      ? {
        to: [{ email: contact.email, name: contactName(contact), contactId: contact.id }],
        regarding: { type: "contact", id: contact.id, label: contactLabel(contact) },
      }
      : null,
    followByDefault: teamSettings(team).followByDefault,
    zone: user.timeZone,
    hours: teamSettings(team).businessHours,
    alarms: [],
    attachmentLimits: config.attachments,
  };
  // Written from a contact's page ("Email"): the way back is to them.
  return page(
    c,
    props,
    contact ? { href: `/contacts/${contact.id}`, label: contactLabel(contact) } : undefined,
  );
});

composePages.get("/compose/:id", async (c) => {
  const { kv, config } = c.get("deps");
  const v = viewer(c);
  // Sent, sending or scheduled: there is no draft to edit any more (Back after Send leads here), so its page.
  const message = await getMessage(kv, v.team.id, c.req.param("id")).catch((error) => {
    if (error instanceof AppError && error.status === 404) return null;
    throw error;
  });
  // Discarded (Back after Discard leads here, or an old link): said so, with the ways on.
  if (!message) return gone(c);
  if (message.status !== "draft") return c.redirect(`/messages/${message.id}`, 303);
  const entry = await editableDraft(kv, v, message.id);
  const props: ComposerProps = {
    draft: await composerDraft(kv, v, entry.value),
    draftKey: null,
    prefill: null,
    followByDefault: teamSettings(v.team).followByDefault,
    zone: v.user.timeZone,
    hours: teamSettings(v.team).businessHours,
    alarms: (await listAlarms(kv, v.team.id, entry.value.id)).filter((a) => a.status !== "cancelled"),
    attachmentLimits: config.attachments,
  };
  return page(c, props);
});
