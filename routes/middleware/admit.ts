import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../deps.ts";

/**
 * Lets at most `limit` requests through at once; the others wait their turn, in order. Used for live streams'
 * set-up (the sign-in check, then the stream's start): after a restart every open page reconnects within a few
 * seconds, and a thousand set-ups in flight together each hold their request's objects until they finish, which
 * grows V8's heap for good (measured: a 1000-request burst raised it ~26 MB in flight, ~8 MB a hundred at a time,
 * in the same total time). A slot is held only until the response starts, not for the stream's life.
 */
export function admitAtOnce(limit: number): MiddlewareHandler<AppEnv> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function admit(_c, next) {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      await next();
    } finally {
      // The slot passes straight to the next in line (running stays the same), or is given back.
      const turn = waiting.shift();
      if (turn) turn();
      else running--;
    }
  };
}
