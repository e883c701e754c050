/**
 * What the composer says when its draft was changed, discarded or sent from another tab or device: its saves
 * were refused (nothing lost on either side), and the seller chooses what happens to what is on this page.
 */
export type Elsewhere = "changed" | "discarded" | "sent";

interface Props {
  kind: Elsewhere;
  /** The draft's id (the sent email's page). */
  id: string | null;
  /** Saves this page's version: over the other ("changed"), or as a new draft ("discarded"). */
  onKeep(): void;
  /** Leaves this page's version for the one elsewhere. */
  onLeave(href: string | null): void;
}

export function ElsewhereNotice({ kind, id, onKeep, onLeave }: Props) {
  const [title, text] = {
    changed: [
      "This draft was changed in another tab or on another device.",
      "Nothing you write here is saved until you choose which version to keep.",
    ],
    discarded: [
      "This draft was discarded in another tab or on another device.",
      "What is on this page is not saved unless you keep it as a new draft (its files and alarms went with it).",
    ],
    sent: [
      "This email was sent or scheduled from another tab or device.",
      "It can no longer be changed; what you wrote here since is not saved.",
    ],
  }[kind];
  return (
    <div class="alert alert-error composer-conflict" role="alert" data-testid="draft-conflict">
      <p>
        <strong>{title}</strong> {text}
      </p>
      <div class="composer-conflict-actions">
        {kind !== "sent" && (
          <button type="button" class="button button-primary button-small" onClick={onKeep}>
            {kind === "changed" ? "Keep this version" : "Keep it as a new draft"}
          </button>
        )}
        <button
          type="button"
          class="button button-secondary button-small"
          onClick={() => onLeave(kind === "changed" ? null : kind === "sent" ? `/messages/${id}` : "/")}
        >
          {kind === "changed"
            ? "Load the other version"
            : kind === "sent"
            ? "Open the email"
            : "Go to Activity"}
        </button>
      </div>
    </div>
  );
}
