import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { Icon, type IconName } from "./icons.tsx";
import { island } from "./island.ts";
import { Page } from "./page_context.ts";
import Toaster from "../islands/toaster.tsx";
import LiveAlerts from "../islands/live_alerts.tsx";
import Bell from "../islands/bell.tsx";
import LiveStatus from "../islands/live_status.tsx";
import { CsrfField } from "./ui.tsx";

interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  /** A count shown beside the label. */
  count?: number;
  countLabel?: string;
}

function navItems(outbox: boolean, unmatched: number | null | undefined): NavItem[] {
  return [
    { href: "/", label: "Activity", icon: "activity" },
    { href: "/assistant", label: "Assistant", icon: "assistant" },
    { href: "/contacts", label: "Contacts", icon: "contacts" },
    { href: "/companies", label: "Companies", icon: "company" },
    { href: "/templates", label: "Templates", icon: "template" },
    ...(outbox ? [{ href: "/outbox", label: "Outbox", icon: "outbox" as const }] : []),
    // Admins attach received mail Beacon couldn't match by hand.
    ...(typeof unmatched === "number"
      ? [{
        href: "/inbound",
        label: "Unmatched replies",
        icon: "reply" as const,
        count: unmatched,
        countLabel: `${unmatched >= 100 ? "100 or more" : unmatched} waiting to be attached`,
      }]
      : []),
    { href: "/team", label: "Team", icon: "team" },
  ];
}

function isCurrent(path: string, href: string) {
  if (href === "/") return path === "/" || path.startsWith("/messages");
  if (href === "/assistant") return path.startsWith("/assistant") || path.startsWith("/tasks");
  // A reply read in full (/inbound/:id) belongs to its email, not to the unmatched list.
  if (href === "/inbound") return path === "/inbound";
  return path.startsWith(href);
}

function UserMenu() {
  const { user } = useContext(Page);
  if (!user) return null;
  const initials = user.name.split(/\s+/).map((w) => w[0]).slice(0, 2).join("").toUpperCase();
  return (
    <details class="menu">
      <summary class="avatar-button">
        <span class="avatar" aria-hidden="true">{initials}</span>
        <span class="sr-only">Account menu for {user.name}</span>
      </summary>
      <div class="menu-panel">
        <div class="menu-head">
          <strong>{user.name}</strong>
          <span class="muted">{user.email}</span>
        </div>
        <a href="/settings/profile">
          <Icon name="settings" /> Profile and password
        </a>
        <a href="/settings/notifications">
          <Icon name="bell" /> Notifications
        </a>
        <a href="/settings/tokens">
          <Icon name="key" /> API tokens
        </a>
        <a href="/api/docs">
          <Icon name="book" /> API reference
        </a>
        <form method="post" action="/signout">
          <CsrfField />
          <button type="submit" class="menu-button">Sign out</button>
        </form>
      </div>
    </details>
  );
}

/** The app frame: header with team, live-updates status, bell and user menu; navigation; main content; toasts. */
export function AppLayout({ children }: { children: ComponentChildren }) {
  const ctx = useContext(Page);
  return (
    <div class="app">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true" />
          <span>Beacon</span>
        </a>
        <span class="team-name" title="Your team">{ctx.team?.name}</span>
        <div class="topbar-actions">
          {island(LiveStatus, {})}
          {island(Bell, { unread: ctx.unread })}
          <UserMenu />
        </div>
      </header>
      <nav class="sidenav" aria-label="Main">
        <a href="/compose" class="button button-primary nav-primary">
          <Icon name="compose" /> <span>Compose</span>
        </a>
        {navItems(ctx.outbox, ctx.unmatched).map((item) => (
          <a
            href={item.href}
            class="nav-link"
            aria-current={isCurrent(ctx.path, item.href) ? "page" : undefined}
          >
            <Icon name={item.icon} />
            <span>{item.label}</span>
            {item.count
              ? (
                <span class="nav-count" data-testid="unmatched-count">
                  {item.count >= 100 ? "99+" : item.count}
                  <span class="sr-only">: {item.countLabel}</span>
                </span>
              )
              : null}
          </a>
        ))}
      </nav>
      <main id="main" class="main" tabIndex={-1}>{children}</main>
      {island(Toaster, { initial: ctx.flash })}
      {island(LiveAlerts, { browserNotifications: ctx.browserNotifications })}
    </div>
  );
}

/** The frame of pages seen before signing in: a centred card. */
export function AuthLayout({ children }: { children: ComponentChildren }) {
  const ctx = useContext(Page);
  return (
    <div class="auth">
      <a class="brand brand-large" href="/">
        <span class="brand-mark" aria-hidden="true" />
        <span>Beacon</span>
      </a>
      <main id="main" class="auth-card">{children}</main>
      <p class="auth-foot muted">Email engagement for small sales teams.</p>
      {island(Toaster, { initial: ctx.flash })}
    </div>
  );
}
