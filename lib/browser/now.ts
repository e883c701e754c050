/** The time islands read relative times against ("5 minutes ago"), kept fresh. */
import { useEffect, useState } from "preact/hooks";

/** Every 30 s is often enough for minute-grained relative times. */
const TICK_MS = 30_000;

/** The time now, ticking every 30 s while the island is on the page; `touch` makes it now (a live event came). */
export function useNow(): [number, () => void] {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(tick);
  }, []);
  return [now, () => setNow(Date.now())];
}
