/// <reference lib="dom" />
/** Behaviours every page gets from the client entry (lib/islands/client.ts), as they belong to no island. */

/**
 * Email frames (`iframe[data-fit]`: sandboxed, no script inside, same-origin) take their email's height, so
 * a short email leaves no empty box and a long one reads with the page instead of in a box of its own. Fitted
 * again when the frame's width changes (the text rewraps) and when a late image loads.
 */
export function fitEmailFrames(): void {
  for (const frame of document.querySelectorAll<HTMLIFrameElement>("iframe[data-fit]")) fitEmailFrame(frame);
}

function fitEmailFrame(frame: HTMLIFrameElement): void {
  const fit = () => {
    const doc = frame.contentDocument;
    // Not the blank document a frame holds before its srcdoc loads.
    if (doc?.URL !== "about:srcdoc" || doc.readyState === "loading") return;
    const root = doc.documentElement;
    const borders = frame.offsetHeight - frame.clientHeight;
    frame.style.height = `${Math.ceil(root.getBoundingClientRect().height) + borders}px`;
    frame.dataset.fitted = "";
  };
  let width = 0;
  new ResizeObserver(([entry]) => {
    if (entry.contentRect.width === width) return;
    width = entry.contentRect.width;
    fit();
  }).observe(frame);
  frame.addEventListener("load", () => {
    fit();
    frame.contentDocument?.addEventListener("load", fit, true);
  });
  if (frame.contentDocument?.readyState === "complete") fit();
}

/**
 * Menus (`details.menu`: the account menu, Snooze): Escape closes the open one and puts the focus back on its
 * button; a click elsewhere closes it too.
 */
export function closeMenusOnEscapeOrClickAway(): void {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of document.querySelectorAll<HTMLDetailsElement>("details.menu[open]")) {
      const hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary")?.focus();
    }
  });
  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll<HTMLDetailsElement>("details.menu[open]")) {
      if (!menu.contains(event.target as Node)) menu.open = false;
    }
  });
}

/** "/" anywhere outside a field jumps to the page's search box (activity, contacts, companies, templates). */
export function slashFocusesSearch(): void {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const search = document.querySelector<HTMLInputElement>("input[type=search]");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });
}

/**
 * On a phone the main navigation is one row that scrolls sideways. It opens scrolled to the current page's link
 * (Templates, Team… would otherwise be out of sight), and an edge with more links beyond it fades
 * (`data-more-before` / `data-more-after`), so the row reads as one that scrolls.
 */
export function navShowsWhereYouAre(): void {
  const FADE_PX = 40;
  const nav = document.querySelector<HTMLElement>("nav.sidenav");
  if (!nav) return;
  const edges = () => {
    const overflow = nav.scrollWidth - nav.clientWidth;
    nav.toggleAttribute("data-more-before", overflow > 1 && nav.scrollLeft > 1);
    nav.toggleAttribute("data-more-after", overflow > 1 && nav.scrollLeft < overflow - 1);
  };
  // Only as far as it takes to show the link clear of the fade: Compose, first in the row, stays in view if it can.
  showCurrentLink(nav, FADE_PX);
  edges();
  nav.addEventListener("scroll", edges, { passive: true });
  new ResizeObserver(edges).observe(nav);
  // A page's own tabs (Settings) scroll alike on a phone: the current one is shown, not cut at the edge.
  for (const tabs of document.querySelectorAll<HTMLElement>("nav.tabs")) showCurrentLink(tabs, 0);
}

/** Scrolls a row of links sideways just far enough to show its current page's link `margin` px clear of its end. */
function showCurrentLink(row: HTMLElement, margin: number): void {
  const link = row.querySelector<HTMLElement>("[aria-current=page]")?.getBoundingClientRect();
  const beyond = link ? link.right + margin - row.getBoundingClientRect().right : 0;
  if (beyond > 0) row.scrollLeft += beyond;
}

/**
 * A form the server sent back with errors: the focus goes to the first field it marked invalid (in page order),
 * which also scrolls it into view, rather than staying at the top of the page or on a field autofocus picked
 * that has no error. A screen reader then reads the field with its error.
 */
export function focusFirstInvalidField(): void {
  document.querySelector<HTMLElement>("main form [aria-invalid=true]")?.focus();
}
