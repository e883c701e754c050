import { useEffect, useState } from "preact/hooks";
import { Icon } from "../components/icons.tsx";
import { api } from "../lib/browser/api.ts";
import { onLive } from "../lib/browser/live.ts";

/** The header bell: unread cards in the assistant, updated live. */
export default function Bell({ unread: initial }: { unread: number }) {
  const [unread, setUnread] = useState(initial);
  useEffect(() =>
    onLive(async (event) => {
      if (!event.type.startsWith("card.")) return;
      const cards = await api<{ unread: number }>("GET", "/cards").catch(() => null);
      if (cards) setUnread(cards.unread);
    }), []);
  const label = unread
    ? `Assistant: ${unread} unread card${unread === 1 ? "" : "s"}`
    : "Assistant: no unread cards";
  return (
    <a href="/assistant" class="icon-button bell" aria-label={label} title={label} data-testid="bell">
      <Icon name="bell" />
      {unread > 0 && <span class="bell-count" data-testid="bell-count">{unread > 99 ? "99+" : unread}</span>}
    </a>
  );
}
