/// <reference lib="dom" />
/**
 * "Templates" in the composer: the template picker (search, categories, ranked for the recipient) in a modal
 * dialog. Picking fills the template in for the draft's recipient (or the first To contact); when the subject
 * or the message already has text, it asks before replacing it. The composer puts the result in the form and
 * the editor and saves the template reference with the draft.
 *
 * Loaded when first opened, with the picker, so the compose page's start-up JavaScript stays small.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { type PickedTemplate, TemplatePicker } from "../template_picker.tsx";
import { Icon } from "../../components/icons.tsx";

export interface TemplatesProps {
  /** The saved draft: the picker ranks and fills for its recipient. */
  messageId?: string;
  /** Or, before the draft exists, the first To contact. */
  contactId?: string;
  /** The subject or the message has text: picking asks before replacing it. */
  hasContent: boolean;
  onInsert(filled: PickedTemplate): void;
  onClose(): void;
}

export default function TemplatesDialog(p: TemplatesProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const replaceRef = useRef<HTMLButtonElement>(null);
  const [ask, setAsk] = useState<{ filled: PickedTemplate; answer(replace: boolean): void } | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  useEffect(() => {
    if (ask) replaceRef.current?.focus();
  }, [ask]);

  const close = () => dialog.current?.close();
  const insert = (filled: PickedTemplate) => {
    close(); // focus goes back to where it was; the composer moves it into the message
    p.onInsert(filled);
  };
  const pick = (filled: PickedTemplate) => {
    if (!p.hasContent) return insert(filled);
    return new Promise<void>((resolve) =>
      setAsk({
        filled,
        answer(replace) {
          setAsk(null);
          if (replace) insert(filled);
          resolve();
        },
      })
    );
  };

  return (
    <dialog
      ref={dialog}
      class="templates-dialog"
      aria-labelledby="templates-title"
      data-testid="templates-dialog"
      onClose={p.onClose}
      onClick={(e) => {
        if (e.target === dialog.current) close(); // a click on the backdrop
      }}
    >
      <div class="templates-inner">
        <div class="templates-head">
          <h2 id="templates-title">Insert a template</h2>
          <button type="button" class="composer-tool" aria-label="Close" title="Close" onClick={close}>
            <Icon name="x" size={16} />
          </button>
        </div>
        <TemplatePicker messageId={p.messageId} contactId={p.contactId} onPick={pick} />
        {ask && (
          <div class="templates-replace" role="alertdialog" aria-labelledby="templates-replace-text">
            <p id="templates-replace-text">
              Replace the subject and message you've written with “{ask.filled.name}”?
            </p>
            <div class="templates-replace-actions">
              <button
                ref={replaceRef}
                type="button"
                class="button button-primary button-small"
                onClick={() => ask.answer(true)}
              >
                Replace
              </button>
              <button
                type="button"
                class="button button-ghost button-small"
                onClick={() => ask.answer(false)}
              >
                Keep what I wrote
              </button>
            </div>
          </div>
        )}
      </div>
    </dialog>
  );
}
