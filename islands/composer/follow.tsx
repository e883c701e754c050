/**
 * The follow control, as in Dynamics 365 email engagement: whether opens and clicks of this email are
 * tracked, what blocks it, and (for several recipients) sending a copy to each.
 */
import { useEffect, useState } from "preact/hooks";
import { isolated } from "../../lib/text/bidi.ts";
import type { FollowState, Recipient } from "../../lib/messages/types.ts";
import { Icon } from "../../components/icons.tsx";

interface Props {
  follow: FollowState;
  blockedBy: string[];
  /** The recipients the state was worked out for (with their contacts). */
  recipients: Recipient[];
  /** How many different addresses the email has now. */
  count: number;
  sendIndividually: boolean;
  /** Why sending individually does not work with this email, or null. */
  individualError: string | null;
  /**
   * A follow change is being saved: the buttons say so with aria-disabled rather than `disabled`, which
   * would drop the keyboard focus of the button just pressed to the top of the page.
   */
  busy: boolean;
  /** Links whose text is their address: they go out as they are, untracked (lib/messages/link_text.ts). */
  untrackedLinks: number;
  onFollow(want: boolean): void;
  onRetry(): void;
  onIndividually(value: boolean): void;
}

function StateIcon({ follow }: { follow: FollowState }) {
  const name = follow === "following" ? "eye" : follow === "blocked" ? "shield" : "eyeOff";
  return (
    <span class="follow-icon" aria-hidden="true">
      <Icon name={name} />
    </span>
  );
}

export function FollowPanel(p: Props) {
  const [showPrefs, setShowPrefs] = useState(false);
  // A retry that found the same preferences says so: the line would otherwise stay as it was, as if nothing ran.
  const [retried, setRetried] = useState(false);
  useEffect(() => {
    if (p.follow !== "blocked") setRetried(false);
  }, [p.follow]);
  const unique = p.recipients.filter((r, i, all) => all.findIndex((x) => x.email === r.email) === i);
  const blockers = unique.filter((r) => p.blockedBy.includes(r.email)).map((r) =>
    isolated(r.name || r.email)
  );

  return (
    <section class={`composer-follow follow-${p.follow}`} aria-label="Tracking" data-testid="follow">
      <div class="follow-line">
        <StateIcon follow={p.follow} />
        <p class="follow-text" data-testid="follow-text" aria-live="polite">
          {p.follow === "following" && (
            <>
              <strong>Following</strong> — opens and link clicks will be tracked
            </>
          )}
          {p.follow === "not_following" && (
            <>
              <strong>Not following</strong> — no tracking pixel, links are not redirected
            </>
          )}
          {p.follow === "blocked" && (retried && !p.busy && blockers.length
            ? (
              <>
                <strong>Still blocked</strong> — {blockers.join(", ")}{" "}
                {blockers.length === 1 ? "doesn't" : "don't"} allow tracking
              </>
            )
            : (
              <>
                <strong>Blocked</strong> — a recipient's contact preference doesn't allow tracking
              </>
            ))}
        </p>
        <div class="follow-actions">
          {p.follow === "blocked" && (
            <>
              <button
                type="button"
                class="button button-ghost button-small"
                aria-expanded={showPrefs}
                aria-controls="composer-prefs"
                onClick={() => setShowPrefs(!showPrefs)}
              >
                {showPrefs ? "Hide preferences" : "View preferences"}
              </button>
              <button
                type="button"
                class="button button-secondary button-small"
                aria-disabled={p.busy || undefined}
                onClick={() => {
                  if (p.busy) return;
                  setRetried(true);
                  p.onRetry();
                }}
              >
                Retry follow
              </button>
            </>
          )}
          {p.follow === "not_following"
            ? (
              <button
                type="button"
                class="button button-secondary button-small"
                aria-disabled={p.busy || undefined}
                onClick={() => !p.busy && p.onFollow(true)}
              >
                Follow
              </button>
            )
            : (
              <button
                type="button"
                class="button button-secondary button-small"
                aria-disabled={p.busy || undefined}
                onClick={() => !p.busy && p.onFollow(false)}
              >
                Don't follow
              </button>
            )}
        </div>
      </div>

      {p.follow === "following" && p.untrackedLinks > 0 && (
        <p class="follow-note" data-testid="untracked-links">
          Links showing their own address go out as written, untracked (mail filters distrust a tracked link
          behind a shown address): {p.untrackedLinks} here. To count clicks, link words, like “the proposal”.
        </p>
      )}

      {p.follow === "blocked" && showPrefs && (
        <ul class="prefs" id="composer-prefs" aria-label="Recipients' tracking preferences">
          {unique.map((r) => {
            const blocked = p.blockedBy.includes(r.email);
            return (
              <li key={r.email} class="prefs-row">
                <span class="prefs-who">
                  {r.name ? <span class="prefs-name">{r.name}</span> : null}
                  <span class={r.name ? "prefs-email" : "prefs-name"}>{r.email}</span>
                </span>
                {blocked
                  ? (r.contactId
                    ? <a class="badge badge-red" href={`/contacts/${r.contactId}`}>Do not allow</a>
                    : <span class="badge badge-red">Do not allow</span>)
                  : r.contactId
                  ? <span class="badge badge-green">Allow</span>
                  : <span class="badge badge-grey">No preference (not a contact)</span>}
              </li>
            );
          })}
        </ul>
      )}

      {p.follow === "following" && p.count > 1 && (
        <div class="follow-multi">
          <p class="follow-note" id="composer-multi-note">
            {p.sendIndividually && !p.individualError
              ? "Each To recipient gets their own copy: their opens and clicks are theirs alone."
              : `This email has ${p.count} recipients: opens and clicks can't be attributed to one person.`}
          </p>
          <label class="composer-check">
            <input
              type="checkbox"
              id="composer-individually"
              checked={p.sendIndividually}
              aria-describedby={p.individualError ? "composer-individually-error" : "composer-multi-note"}
              aria-invalid={p.individualError ? true : undefined}
              onChange={(e) => p.onIndividually(e.currentTarget.checked)}
            />
            <span>
              <strong>Send individually</strong> — each To recipient gets their own copy with its own tracking
            </span>
          </label>
          {p.individualError && (
            <p class="error-text" id="composer-individually-error">{p.individualError}</p>
          )}
        </div>
      )}
    </section>
  );
}
