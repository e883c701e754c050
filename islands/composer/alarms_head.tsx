/**
 * The first line of the composer's alarm section, in the follow panel's style: shared by the composer's
 * placeholder (before the alarm editor's chunk is loaded) and the editor itself, so nothing moves.
 */
export function AlarmsHead({ onAdd }: { onAdd?: () => void }) {
  return (
    <div class="follow-line">
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
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
      </span>
      <p class="follow-text" id="alarms-title">
        <strong>Follow-up alarms</strong> — a card in your assistant if there's no reply or open by a time
      </p>
      {onAdd && (
        <div class="follow-actions">
          <button type="button" class="button button-secondary button-small" onClick={onAdd}>
            Add alarm
          </button>
        </div>
      )}
    </div>
  );
}
