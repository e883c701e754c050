/// <reference lib="dom" />
/**
 * The composer's rich-text editor: Tiptap set up for email bodies. Browser only, and the one heavy
 * dependency of the compose page, so the composer island loads this module on demand (its own chunk).
 *
 * What an email body may hold: paragraphs, bold, italic, underline, strike, lists, quotes, links
 * (http, https, mailto) and line breaks. Pasted HTML from Word, Outlook, Gmail or Google Docs is
 * cleaned before ProseMirror parses it (see `cleanPastedHtml`); the schema drops anything else.
 *
 * The list and utility extensions are imported from their packages' subpaths: the packages' index modules
 * can't be tree-shaken (task lists, character count, focus… would ship too), about 3 KB gzipped.
 */
import { Editor, Extension } from "@tiptap/core";
import { Blockquote } from "@tiptap/extension-blockquote";
import { Bold } from "@tiptap/extension-bold";
import { Document } from "@tiptap/extension-document";
import { HardBreak } from "@tiptap/extension-hard-break";
import { Italic } from "@tiptap/extension-italic";
import { Link } from "@tiptap/extension-link";
import { BulletList } from "@tiptap/extension-list/bullet-list";
import { ListItem } from "@tiptap/extension-list/item";
import { ListKeymap } from "@tiptap/extension-list/keymap";
import { OrderedList } from "@tiptap/extension-list/ordered-list";
import { Paragraph } from "@tiptap/extension-paragraph";
import { Text } from "@tiptap/extension-text";
import { Underline } from "@tiptap/extension-underline";
import { Dropcursor } from "@tiptap/extensions/drop-cursor";
import { Gapcursor } from "@tiptap/extensions/gap-cursor";
import { Placeholder } from "@tiptap/extensions/placeholder";
import { UndoRedo } from "@tiptap/extensions/undo-redo";
import { type ActiveFormats, type FormatName, FORMATS, NO_FORMATS } from "./formats.ts";

export interface EditorOptions {
  placeholder: string;
  /** Ids for the editable element's accessible name and description. */
  labelledBy: string;
  describedBy: string;
  /** The body changed: its HTML ("" when empty). */
  onUpdate(html: string): void;
  /** The selection or the document changed: which formats are active. */
  onFormats(formats: ActiveFormats): void;
  /** Ctrl/Cmd+Enter. */
  onSubmit(): void;
  /** Ctrl/Cmd+K. */
  onLinkShortcut(): void;
}

export interface EditorHandle {
  editor: Editor;
  focus(): void;
  toggle(format: Exclude<FormatName, "link">): void;
  /** The href of the link at the selection, or "". */
  linkHref(): string;
  /**
   * Links the selection (or the link around the cursor) to what the user typed, normalized ("acme.com" →
   * https, an address → mailto); "" removes the link. False when it is not a web or email address.
   */
  setLink(input: string): boolean;
  /** Replaces the whole body (a template was inserted): one undoable step, reported through `onUpdate`. */
  setContent(html: string): void;
  destroy(): void;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const ALLOWED_SCHEME = /^(?:https?|mailto):/i;
const EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/;
const DOMAIN = /^(?:[\w-]+\.)+[a-z]{2,}(?:[:/?#]\S*)?$/i;

/** Links may only point to the web or to an email address; scheme-less text counts when it looks like one. */
export function isAllowedHref(url: string): boolean {
  const value = url.trim();
  if (SCHEME.test(value)) return ALLOWED_SCHEME.test(value);
  return DOMAIN.test(value) || EMAIL.test(value);
}

/** What a seller typed in the link box, as an href: "acme.com" → "https://acme.com"; null when not allowed. */
export function normalizeHref(input: string): string | null {
  const value = input.trim();
  if (!value) return "";
  if (SCHEME.test(value)) {
    return ALLOWED_SCHEME.test(value) && value.length > value.indexOf(":") + 1 ? value : null;
  }
  if (EMAIL.test(value)) return `mailto:${value}`;
  if (DOMAIN.test(value)) return `https://${value}`;
  return null;
}

/** Block elements whose inline style carries formatting we keep as tags. */
function styleFormats(style: CSSStyleDeclaration) {
  const weight = style.fontWeight;
  return {
    bold: weight === "bold" || weight === "bolder" || Number(weight) >= 600,
    italic: style.fontStyle === "italic",
    underline: /underline/.test(style.textDecoration || style.textDecorationLine || ""),
  };
}

/**
 * Pasted HTML without office markup: conditional comments, `<o:p>` and other namespaced tags, Word's
 * list-bullet spans, `<style>`/`<meta>` blocks, and every style, class, id and lang attribute. Bold,
 * italic and underline set by inline styles (Google Docs, Gmail) become tags first so they survive.
 */
export function cleanPastedHtml(html: string): string {
  const source = html
    .replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, "")
    .replace(/<!\[if[^\]]*\]>|<!\[endif\]>/gi, "");
  const doc = new DOMParser().parseFromString(source, "text/html");
  const body = doc.body;

  const comments = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  const dead: Node[] = [];
  while (comments.nextNode()) dead.push(comments.currentNode);
  for (const node of body.querySelectorAll("style, meta, link, script, title, xml, template")) {
    dead.push(node);
  }
  for (const el of body.querySelectorAll<HTMLElement>("*")) {
    if (el.tagName.includes(":")) dead.push(el); // o:p, w:sdt, v:shape …
    else if (/mso-list:\s*ignore/i.test(el.getAttribute("style") ?? "")) dead.push(el);
  }
  for (const node of dead) node.parentNode?.removeChild(node);

  for (const el of [...body.querySelectorAll<HTMLElement>("*")]) {
    // Google Docs wraps everything in <b style="font-weight:normal">: not bold at all.
    if (el.tagName === "B" && (el.style.fontWeight === "normal" || el.id.startsWith("docs-internal-guid"))) {
      el.replaceWith(...el.childNodes);
      continue;
    }
    if (el.getAttribute("style")) {
      const f = styleFormats(el.style);
      const wrappers = [f.bold && "strong", f.italic && "em", f.underline && "u"].filter((t): t is string =>
        !!t
      );
      for (const tag of wrappers) {
        if (el.closest(tag === "strong" ? "strong, b" : tag === "em" ? "em, i" : "u")) continue;
        const wrapper = doc.createElement(tag);
        wrapper.append(...el.childNodes);
        el.append(wrapper);
      }
    }
    for (const name of [...el.getAttributeNames()]) {
      if (
        /^(?:style|class|id|lang|align|face|color|size|width|height|bgcolor|valign)$|^data-|^on/i.test(name)
      ) {
        if (!(el.tagName === "IMG" && (name === "width" || name === "height"))) el.removeAttribute(name);
      }
    }
  }
  return body.innerHTML;
}

export function activeFormats(editor: Editor): ActiveFormats {
  const out = { ...NO_FORMATS };
  for (const format of FORMATS) out[format] = editor.isActive(format);
  return out;
}

/** Mounts the editor into `element` (whose server-rendered copy of the body it replaces). */
export function createEditor(element: HTMLElement, html: string, options: EditorOptions): EditorHandle {
  const ComposerKeys = Extension.create({
    name: "composerKeys",
    priority: 1000,
    addKeyboardShortcuts() {
      return {
        "Mod-Enter": () => {
          options.onSubmit();
          return true;
        },
        "Mod-k": () => {
          options.onLinkShortcut();
          return true;
        },
      };
    },
  });

  element.textContent = "";
  const editor = new Editor({
    element,
    content: html,
    // Each paragraph reads in the direction of its first letter (Arabic or Hebrew right to left), in the editor
    // and in the email: its blocks carry dir="auto".
    textDirection: "auto",
    extensions: [
      // Only what the toolbar offers (StarterKit would ship headings, code blocks and more, unused).
      Document,
      Paragraph,
      Text,
      Bold,
      Italic,
      Underline,
      BulletList,
      OrderedList,
      ListItem,
      ListKeymap,
      Blockquote,
      HardBreak,
      UndoRedo,
      Dropcursor,
      Gapcursor,
      // Not inclusive (autolink would make it so): a full stop typed right after a link is not part of it.
      Link.extend({ inclusive: () => false }).configure({
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        defaultProtocol: "https",
        isAllowedUri: (url) => isAllowedHref(url),
      }),
      Placeholder.configure({ placeholder: options.placeholder }),
      ComposerKeys,
    ],
    editorProps: {
      attributes: {
        class: "composer-prose",
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": options.labelledBy,
        "aria-describedby": options.describedBy,
        spellcheck: "true",
      },
      transformPastedHTML: cleanPastedHtml,
    },
    onUpdate: ({ editor }) => options.onUpdate(editor.isEmpty ? "" : editor.getHTML()),
    onTransaction: ({ editor }) => options.onFormats(activeFormats(editor)),
    onFocus: ({ editor }) => options.onFormats(activeFormats(editor)),
  });

  return {
    editor,
    focus: () => editor.commands.focus(),
    toggle(format) {
      const chain = editor.chain().focus();
      const commands = {
        bold: () => chain.toggleBold(),
        italic: () => chain.toggleItalic(),
        underline: () => chain.toggleUnderline(),
        bulletList: () => chain.toggleBulletList(),
        orderedList: () => chain.toggleOrderedList(),
        blockquote: () => chain.toggleBlockquote(),
      };
      commands[format]().run();
    },
    linkHref: () => (editor.getAttributes("link").href as string | undefined) ?? "",
    setLink(input) {
      const href = normalizeHref(input);
      if (href === null) return false;
      // No focus command in the chain: it focuses on the next frame, when it would put back a selection made since
      // (Shift+Arrow right after Enter). The editor is focused at once below.
      const chain = editor.chain().extendMarkRange("link");
      if (!href) {
        chain.unsetLink().run();
      } else if (editor.state.selection.empty && !editor.isActive("link")) {
        // Nothing selected: the address itself becomes the link text.
        const text = href.replace(/^mailto:/i, "");
        chain.insertContent({ type: "text", text, marks: [{ type: "link", attrs: { href } }] }).unsetMark(
          "link",
        ).run();
      } else {
        // The cursor goes after the linked text, so the next key typed doesn't replace it, and what is typed
        // next is not part of the link.
        chain.setLink({ href }).command(({ tr, commands }) => commands.setTextSelection(tr.selection.to))
          .unsetMark("link").run();
      }
      // Now, not on the next frame as the focus command does: keys pressed right after Enter in the link box
      // (End, Enter) are the editor's, not the closing box's.
      editor.view.focus();
      return true;
    },
    setContent: (html) => editor.commands.setContent(html),
    destroy: () => editor.destroy(),
  };
}
