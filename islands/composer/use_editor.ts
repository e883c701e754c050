/// <reference lib="dom" />
/**
 * The rich-text editor in an island (the composer, the template editor): loads Tiptap on demand after the
 * first render, mounts it on `hostRef`'s element with the body in `htmlRef`, and tracks what a toolbar
 * needs — whether it is ready or failed to load, the active formats, and the shortcut key's name.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { EditorHandle, EditorOptions } from "../../lib/browser/editor.ts";
import { type ActiveFormats, NO_FORMATS, sameFormats } from "../../lib/browser/formats.ts";

export function useEditor(
  htmlRef: { current: string },
  /** Read once, when the editor mounts: callbacks should reach current state through refs or setters. */
  options: Omit<EditorOptions, "onFormats"> & { onReady?(handle: EditorHandle): void },
) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<EditorHandle | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const [formats, setFormats] = useState<ActiveFormats>(NO_FORMATS);
  const [mod, setMod] = useState("Ctrl");

  useEffect(() => {
    if (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)) setMod("⌘");
    let handle: EditorHandle | null = null;
    let cancelled = false;
    import("../../lib/browser/editor.ts").then(({ createEditor }) => {
      if (cancelled || !hostRef.current) return;
      handle = createEditor(hostRef.current, htmlRef.current, {
        ...options,
        onFormats: (next) => setFormats((prev) => sameFormats(prev, next) ? prev : next),
      });
      options.onReady?.(handle);
      editorRef.current = handle;
      setReady(true);
    }).catch((error) => {
      console.error("editor failed to load", error);
      setFailed(true);
    });
    return () => {
      cancelled = true;
      handle?.destroy();
    };
  }, []);

  return { hostRef, editorRef, ready, failed, formats, mod };
}
