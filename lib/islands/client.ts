/// <reference lib="dom" />
/** The one client entry: hydrates every island marker on the page with its serialized props. */
import { h, hydrate } from "preact";
import { type IslandName, islands } from "../../islands/registry.ts";

for (const el of document.querySelectorAll<HTMLElement>("beacon-island")) {
  const load = islands[el.dataset.island as IslandName];
  if (!load) continue;
  load().then((mod) => {
    const props = JSON.parse(el.dataset.props ?? "{}");
    // deno-lint-ignore no-explicit-any
    hydrate(h(mod.default as any, props), el);
    el.dataset.hydrated = "true";
  }).catch((error) => console.error(`island ${el.dataset.island} failed`, error));
}

/**
 * Email previews (`iframe[data-fit]`: sandboxed, no script inside, same-origin) take their email's height, so
 * a short email leaves no empty box and a long one reads with the page instead of in a box of its own. Fitted
 * again when the frame's width changes (the text rewraps) and when a late image loads.
 */
for (const frame of document.querySelectorAll<HTMLIFrameElement>("iframe[data-fit]")) {
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

/** "/" anywhere outside a field jumps to the page's search box (activity, contacts, companies, templates). */
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
