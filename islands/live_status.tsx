import { useEffect, useState } from "preact/hooks";
import { type LiveStatus as Status, onLiveStatus, reconnectNow } from "../lib/browser/live.ts";

/** A first connection, or a reconnect, that takes longer than this is shown; a quicker one isn't. */
const SHOW_CONNECTING_AFTER_MS = 3_000;

/**
 * In the header of every signed-in page: says when live updates are not coming in — (re)connecting,
 * paused (with "Retry now"), or stopped because the session ended (with "Sign in") — so a quiet
 * page is never mistaken for a quiet customer; and when the page was away too long to catch up on
 * everything (with "Reload"). Shows nothing while live.
 */
export default function LiveStatus() {
  const [status, setStatus] = useState<Status>("live");
  const [slow, setSlow] = useState(false);
  const [wasLive, setWasLive] = useState(false);
  useEffect(() =>
    onLiveStatus((next) => {
      setStatus(next);
      if (next === "live" || next === "missed") setWasLive(true);
    }), []);
  useEffect(() => {
    setSlow(false);
    if (status !== "connecting") return;
    const timer = setTimeout(() => setSlow(true), SHOW_CONNECTING_AFTER_MS);
    return () => clearTimeout(timer);
  }, [status]);
  return (
    <div class="live-status" role="status" data-testid="live-status" data-status={status}>
      {status === "connecting" && slow && (
        <span class="badge badge-amber">{wasLive ? "Reconnecting…" : "Connecting…"}</span>
      )}
      {status === "offline" && (
        <>
          <span class="badge badge-red" title="Opens and clicks are still recorded; this page will show them">
            <span class="live-status-wide">Live updates paused</span>
            <span class="live-status-narrow" aria-hidden="true">Paused</span>
          </span>
          <button type="button" class="link-button" onClick={reconnectNow}>Retry now</button>
        </>
      )}
      {status === "missed" && (
        <>
          <span class="badge badge-amber" title="This page was away too long to catch up on everything">
            <span class="live-status-wide">Some updates missed</span>
            <span class="live-status-narrow" aria-hidden="true">Outdated</span>
          </span>
          <button type="button" class="link-button" onClick={() => location.reload()}>Reload</button>
        </>
      )}
      {status === "signed-out" && (
        <>
          <span class="badge badge-grey">Signed out</span>
          <a href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</a>
        </>
      )}
    </div>
  );
}
