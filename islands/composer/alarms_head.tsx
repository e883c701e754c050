/**
 * The first line of the composer's alarm section, in the follow panel's style: shared by the composer's
 * placeholder (before the alarm editor's chunk is loaded) and the editor itself, so nothing moves.
 */
import type { Ref } from "preact";
import { Icon } from "../../components/icons.tsx";

export function AlarmsHead({ onAdd, buttonRef }: { onAdd?: () => void; buttonRef?: Ref<HTMLButtonElement> }) {
  return (
    <div class="follow-line">
      <span class="follow-icon" aria-hidden="true">
        <Icon name="bell" />
      </span>
      <p class="follow-text" id="alarms-title">
        <strong>Follow-up alarms</strong> — a card in your assistant if there's no reply or open by a time
      </p>
      {onAdd && (
        <div class="follow-actions">
          <button ref={buttonRef} type="button" class="button button-secondary button-small" onClick={onAdd}>
            Add alarm
          </button>
        </div>
      )}
    </div>
  );
}
