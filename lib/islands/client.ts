/// <reference lib="dom" />
/**
 * The one client entry: hydrates every island marker on the page with its serialized props, and sets up the
 * page-wide behaviours (lib/browser/page_behaviours.ts).
 */
import { h, hydrate } from "preact";
import { type IslandName, islands } from "../../islands/registry.ts";
import {
  closeMenusOnEscapeOrClickAway,
  fitEmailFrames,
  focusFirstInvalidField,
  navShowsWhereYouAre,
  slashFocusesSearch,
} from "../browser/page_behaviours.ts";

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

fitEmailFrames();
closeMenusOnEscapeOrClickAway();
slashFocusesSearch();
navShowsWhereYouAre();
focusFirstInvalidField();
