/** Sign up, sign in, sign out, and joining a team through an invite link. */
import { Hono } from "hono";
import { island } from "../../components/island.ts";
import { Field, Form, FormAlert, NewPasswordField } from "../../components/ui.tsx";
import TimeZoneField from "../../islands/time_zone_field.tsx";
import { acceptInvite, findInvite } from "../../lib/accounts/invites.ts";
import { endSession } from "../../lib/accounts/sessions.ts";
import {
  assertSignInAllowed,
  clearAccountFailures,
  recordSignInFailure,
} from "../../lib/accounts/throttle.ts";
import { authenticate, getTeam, signUp } from "../../lib/accounts/users.ts";
import { clientAddress } from "../../lib/http/client_address.ts";
import { AppError, type FieldErrors } from "../../lib/http/errors.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, tryForm } from "../form.ts";
import { DEVICE_COOKIE, SESSION_COOKIE, signInAs } from "../middleware/auth.ts";
import { redirectWithFlash } from "../middleware/request_context.ts";
import { render } from "../render.tsx";
import { deleteCookie, getCookie } from "hono/cookie";
import { knownDevice } from "../../lib/accounts/devices.ts";
import { localPath } from "../../lib/http/local_path.ts";

export const authPages = new Hono<AppEnv>();

/** Only this site's pages are followed after sign-in (no open redirect). */
const safeNext = (next: string | undefined, here: string) => localPath(next, here) ?? "/";

/** A new account's time zone: the browser's, sent along unseen (UTC until the script has run). */
function BrowserTimeZone({ value }: { value?: string }) {
  return island(TimeZoneField, { name: "timeZone", value: value || "UTC", mode: "hidden" });
}

function SignUpForm({ values = {}, errors }: { values?: Record<string, string>; errors?: FieldErrors }) {
  return (
    <>
      <h1>Create your team</h1>
      <p class="muted">You will be its first admin and can invite teammates next.</p>
      <FormAlert errors={errors} />
      <Form action="/signup" class="stack">
        <Field label="Team name" name="teamName" value={values.teamName} errors={errors} required autofocus />
        <Field
          label="Your name"
          name="name"
          value={values.name}
          errors={errors}
          required
          autocomplete="name"
        />
        <Field
          label="Work email"
          name="email"
          type="email"
          value={values.email}
          errors={errors}
          required
          autocomplete="email"
        />
        <NewPasswordField label="Password" errors={errors} />
        <BrowserTimeZone value={values.timeZone} />
        <button class="button button-primary button-block" type="submit">Create team</button>
      </Form>
      <p class="auth-switch">
        Already have an account? <a href="/signin">Sign in</a>
      </p>
    </>
  );
}

authPages.get("/signup", (c) => {
  if (c.get("user")) return c.redirect("/");
  return render(c, { title: "Sign up", layout: "auth" }, <SignUpForm />);
});

authPages.post("/signup", async (c) => {
  const { kv, clock, passwordIterations } = c.get("deps");
  const values = await formFields(c);
  const result = await tryForm(() =>
    signUp(kv, values, { now: clock.now(), iterations: passwordIterations })
  );
  if (!result.ok) {
    return render(
      c,
      { title: "Sign up", layout: "auth", status: result.status },
      <SignUpForm values={values} errors={result.errors} />,
    );
  }
  await signInAs(c, result.value.user);
  return redirectWithFlash(c, "/", {
    kind: "success",
    text: `Welcome to Beacon, ${result.value.user.name}.`,
  });
});

function SignInForm({ email = "", next, errors }: { email?: string; next: string; errors?: FieldErrors }) {
  return (
    <>
      <h1>Sign in</h1>
      <FormAlert errors={errors} />
      <Form action={`/signin?next=${encodeURIComponent(next)}`} class="stack">
        <Field
          label="Email"
          name="email"
          type="email"
          value={email}
          errors={errors}
          required
          autocomplete="email"
          autofocus
        />
        <Field
          label="Password"
          name="password"
          type="password"
          errors={errors}
          required
          autocomplete="current-password"
        />
        <button class="button button-primary button-block" type="submit">Sign in</button>
      </Form>
      <p class="auth-switch">
        New to Beacon? <a href="/signup">Create a team</a>
      </p>
    </>
  );
}

authPages.get("/signin", (c) => {
  const next = safeNext(c.req.query("next"), c.req.url);
  if (c.get("user")) return c.redirect(next);
  return render(c, { title: "Sign in", layout: "auth" }, <SignInForm next={next} />);
});

authPages.post("/signin", async (c) => {
  const { kv, clock, config } = c.get("deps");
  const next = safeNext(c.req.query("next"), c.req.url);
  const { email = "", password = "" } = await formFields(c);
  const now = clock.now();
  const account = email.trim().toLowerCase();
  const subjects = {
    account,
    device: await knownDevice(kv, getCookie(c, DEVICE_COOKIE), account),
    address: clientAddress(c.req.raw.headers, c.env?.remoteAddr, config.trustProxy),
  };
  const result = await tryForm(async () => {
    await assertSignInAllowed(kv, subjects, now);
    const user = await authenticate(kv, email, password);
    if (!user) {
      await recordSignInFailure(kv, subjects, now);
      throw new AppError(400, "bad_credentials", "That email and password do not match an account.");
    }
    return user;
  });
  if (!result.ok) {
    return render(
      c,
      { title: "Sign in", layout: "auth", status: result.status },
      <SignInForm email={email} next={next} errors={result.errors} />,
    );
  }
  await clearAccountFailures(kv, subjects);
  const old = c.get("sessionToken");
  if (old) await endSession(kv, old);
  await signInAs(c, result.value);
  return c.redirect(next, 303);
});

authPages.post("/signout", async (c) => {
  const token = c.get("sessionToken");
  if (token) await endSession(c.get("deps").kv, token);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return redirectWithFlash(c, "/signin", { kind: "info", text: "You are signed out." });
});

function InviteGone() {
  return (
    <>
      <h1>This invite link no longer works</h1>
      <p class="muted">
        Invite links work once, for seven days, and only the newest one sent to you. If you already joined,
        sign in; otherwise ask your team's admin for a new link.
      </p>
      <a class="button button-secondary" href="/signin">Go to sign in</a>
    </>
  );
}

function AcceptForm(
  { token, teamName, email, values = {}, errors }: {
    token: string;
    teamName: string;
    email: string;
    values?: Record<string, string>;
    errors?: FieldErrors;
  },
) {
  return (
    <>
      <h1>Join {teamName}</h1>
      <p class="muted">
        You were invited as <strong>{email}</strong>.
      </p>
      <FormAlert errors={errors} />
      <Form action={`/invite/${token}`} class="stack">
        <Field
          label="Your name"
          name="name"
          value={values.name}
          errors={errors}
          required
          autocomplete="name"
          autofocus
        />
        <NewPasswordField label="Choose a password" errors={errors} />
        <BrowserTimeZone value={values.timeZone} />
        <button class="button button-primary button-block" type="submit">Join team</button>
      </Form>
    </>
  );
}

authPages.get("/invite/:token", async (c) => {
  const { kv, clock } = c.get("deps");
  const token = c.req.param("token");
  const invite = await findInvite(kv, token, clock.now());
  if (!invite) {
    return render(c, { title: "Invite link no longer works", layout: "auth", status: 404 }, <InviteGone />);
  }
  const team = await getTeam(kv, invite.teamId);
  return render(
    c,
    { title: `Join ${team?.name}`, layout: "auth" },
    <AcceptForm token={token} teamName={team?.name ?? "your team"} email={invite.email} />,
  );
});

authPages.post("/invite/:token", async (c) => {
  const { kv, clock, passwordIterations } = c.get("deps");
  const token = c.req.param("token");
  const values = await formFields(c);
  const invite = await findInvite(kv, token, clock.now());
  if (!invite) {
    return render(c, { title: "Invite link no longer works", layout: "auth", status: 404 }, <InviteGone />);
  }
  const result = await tryForm(() =>
    acceptInvite(kv, token, values, { now: clock.now(), iterations: passwordIterations })
  );
  if (!result.ok) {
    const team = await getTeam(kv, invite.teamId);
    return render(
      c,
      { title: "Join team", layout: "auth", status: result.status },
      <AcceptForm
        token={token}
        teamName={team?.name ?? ""}
        email={invite.email}
        values={values}
        errors={result.errors}
      />,
    );
  }
  await signInAs(c, result.value);
  return redirectWithFlash(c, "/", { kind: "success", text: "You joined the team. Welcome!" });
});
