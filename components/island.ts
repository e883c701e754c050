/** Server side of islands: marks an island's HTML with its name and props for the client entry. */
import { type ComponentType, h, type VNode } from "preact";
import { type IslandName, islands } from "../islands/registry.ts";

const names = new Map<unknown, IslandName>();
for (const name of Object.keys(islands) as IslandName[]) {
  names.set((await islands[name]()).default, name);
}

let rendered: Set<IslandName> | null = null;

/** Runs a render and reports which islands it used (so pages without islands ship no JS). */
export function trackIslands<T>(render: () => T): { result: T; used: Set<IslandName> } {
  const previous = rendered;
  const used = rendered = new Set();
  try {
    return { result: render(), used };
  } finally {
    rendered = previous ? new Set([...previous, ...used]) : null;
  }
}

/** Renders `Component` on the server inside a marker the client entry hydrates. */
export function island<P extends object>(Component: ComponentType<P>, props: NoInfer<P>): VNode {
  const name = names.get(Component);
  if (!name) throw new Error(`${Component.name} is not listed in islands/registry.ts`);
  rendered?.add(name);
  const marker: Record<string, string> = { "data-island": name, "data-props": JSON.stringify(props) };
  return h("beacon-island", marker, h(Component, props)) as VNode;
}
