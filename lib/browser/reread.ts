/**
 * Reading again what a live event says changed. A read that fails on the way (no network, a 5xx, a 429) is
 * tried again after a pause, since the event is handed out only once: given up on, the change would never show
 * until a reload. One that still fails is reported, so the page can say it missed updates. A 404 (the record
 * is gone) or another refusal is an answer: null.
 */
import { ApiError } from "./api.ts";

/** Pauses before each further try. */
export const REREAD_DELAYS_MS = [500, 2_000, 5_000];

const onTheWay = (error: unknown) =>
  error instanceof ApiError && (error.status === 0 || error.status >= 500 || error.status === 429);

export async function reread<T>(
  read: () => Promise<T>,
  { delays = REREAD_DELAYS_MS, wait = (ms: number) => new Promise((r) => setTimeout(r, ms)), gaveUp }: {
    delays?: number[];
    wait?: (ms: number) => Promise<unknown>;
    /** Called when every try failed on the way. */
    gaveUp: () => void;
  },
): Promise<T | null> {
  for (let attempt = 0;; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!onTheWay(error)) return null;
      if (attempt === delays.length) {
        gaveUp();
        return null;
      }
      await wait(delays[attempt]);
    }
  }
}
