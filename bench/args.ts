/**
 * A bench's command-line options, read with node:util's parseArgs: `--name value` or `--name=value`, and
 * bare `--flag`s. Numbers and strings come with their defaults; an unknown option, or a number that is not
 * one, stops the bench with a line that names it (exit code 2).
 */
import { parseArgs } from "node:util";

export interface ArgSpec<N extends string, S extends string, F extends string> {
  numbers: Record<N, number>;
  strings?: Record<S, string>;
  flags?: readonly F[];
}

export interface Args<N extends string, S extends string, F extends string> {
  num: Record<N, number>;
  str: Record<S, string>;
  flag: Record<F, boolean>;
  positionals: string[];
}

export function benchArgs<N extends string, S extends string = never, F extends string = never>(
  spec: ArgSpec<N, S, F>,
  args: string[] = Deno.args,
): Args<N, S, F> {
  const strings = spec.strings ?? ({} as Record<S, string>);
  const flags = spec.flags ?? [];
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const name of [...Object.keys(spec.numbers), ...Object.keys(strings)]) {
    options[name] = { type: "string" };
  }
  for (const name of flags) options[name] = { type: "boolean" };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (error) {
    return usage((error as Error).message);
  }
  const given = parsed.values as Record<string, string | boolean | undefined>;
  const num = {} as Record<N, number>;
  for (const [name, fallback] of Object.entries(spec.numbers) as [N, number][]) {
    const text = given[name] as string | undefined;
    const value = text === undefined ? fallback : Number(text);
    if (text !== undefined && (text.trim() === "" || !Number.isFinite(value))) {
      return usage(`--${name} takes a number, not "${text}"`);
    }
    num[name] = value;
  }
  const str = {} as Record<S, string>;
  for (const [name, fallback] of Object.entries(strings) as [S, string][]) {
    str[name] = (given[name] as string | undefined) ?? fallback;
  }
  const flag = {} as Record<F, boolean>;
  for (const name of flags) flag[name] = given[name] === true;
  return { num, str, flag, positionals: parsed.positionals };
}

function usage(message: string): never {
  console.error(`${message} (options: see the comment at the top of this bench)`);
  Deno.exit(2);
}
