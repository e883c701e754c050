/**
 * The follow control, as in Dynamics 365 email engagement: whether opens and clicks of this email are
 * tracked, what blocks it, and (for several recipients) sending a copy to each.
 */
import { useState } from "preact/hooks";
import type { FollowState, Recipient } from "../../lib/messages/types.ts";

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
  /** A follow change is being saved. */
  busy: boolean;
  onFollow(want: boolean): void;
  onRetry(): void;
  onIndividually(value: boolean): void;
}

const EYE = "M1 12s4-8 11-8 11 8 11 8-4 8-11 8S1 12 1 12M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6";
const EYE_OFF =
  "M17.94 17.94A10.07 10.07 0 0 1 12 20c-7 0-11-8-11-8a18.45 18.45 0 0 1 5.06-5.94M9.9 4.24A9.12 9.12 0 0 1 12 4c7 0 11 8 11 8a18.5 18.5 0 0 1-2.16 3.19m-6.72-1.07a3 3 0 1 1-4.24-4.24M1 1l22 22";
const SHIELD = "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10M9.5 9.5l5 5M14.5 9.5l-5 5";

function StateIcon({ follow }: { follow: FollowState }) {
  const d = follow === "following" ? EYE : follow === "blocked" ? SHIELD : EYE_OFF;
  return (
    <span class="follow-icon" aria-hidden="true">
      <svg
        viewBox="0 0 24 24"
        width="18"
        height="18"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      >
        <path d={d} />
      </svg>
    </span>
  );
}

export function FollowPanel(p: Props) {
  const [showPrefs, setShowPrefs] = useState(false);
  const unique = p.recipients.filter((r, i, all) => all.findIndex((x) => x.email === r.email) === i);

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
          {p.follow === "blocked" && <strong>Can't follow: a recipient asked not to be tracked</strong>}
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
                disabled={p.busy}
                onClick={p.onRetry}
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
                disabled={p.busy}
                onClick={() => p.onFollow(true)}
              >
                Follow
              </button>
            )
            : (
              <button
                type="button"
                class="button button-secondary button-small"
                disabled={p.busy}
                onClick={() => p.onFollow(false)}
              >
                Don't follow
              </button>
            )}
        </div>
      </div>

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
            This email has {p.count} recipients: opens and clicks can't be attributed to one person.
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
