// Long lists render what is visible and a margin (@tanstack/virtual-core does the
// arithmetic; rows of any height are measured as they appear). A row's element is made
// once per key and kept while it stays near the viewport, so an input inside it (a
// correction being typed) survives redraws.
import { Virtualizer, elementScroll, measureElement, observeElementOffset, observeElementRect } from "@tanstack/virtual-core";
import { h } from "./dom";

export interface VirtualListOptions<T> {
  /** The list element's tag and attributes (role, aria-label, data-testid...). */
  tag: "ul" | "ol";
  attrs: Record<string, string>;
  /** The element that scrolls: the list itself when omitted (it then gets `.vlist-scroll`). */
  scroller?: () => HTMLElement | null;
  key: (item: T) => string;
  /** Whether a row drawn for `a` still shows `b` (default: the same object). */
  same?: (a: T, b: T) => boolean;
  /** A typical row's height in pixels, refined by measuring. */
  estimate: number;
  render: (item: T) => HTMLElement;
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number;
  /** For lists read a page at a time: the row drawn where an item is not loaded yet
   * (an `undefined` item), and a call with the indexes of those in view, to load them. */
  placeholder?: (index: number) => HTMLElement;
  missing?: (indexes: number[]) => void;
}

export interface VirtualList<T> {
  /** The list element: mount it, then call `mount()`. */
  readonly el: HTMLElement;
  mount(): void;
  /** Shows these items; rows whose item is unchanged (same object) keep their element.
   * An `undefined` item is one not loaded yet (see `placeholder`). */
  update(items: (T | undefined)[]): void;
  scrollToIndex(index: number, align?: "start" | "center" | "end" | "auto"): void;
  /** How many rows are in the DOM now (for tests and the benchmark). */
  rendered(): number;
  /** Forgets every drawn row (when what rows show depends on more than the item). */
  invalidate(): void;
  destroy(): void;
}

/** The viewport assumed before layout (and in jsdom, which has none). */
const INITIAL_RECT = { width: 800, height: 900 };

export function virtualList<T>(opts: VirtualListOptions<T>): VirtualList<T> {
  const el = h(opts.tag, { ...opts.attrs, class: `${opts.attrs.class ?? ""} vlist`.trim() });
  const own = opts.scroller === undefined;
  if (own) el.classList.add("vlist-scroll");
  const scroller = (): HTMLElement | null => (own ? el : opts.scroller!());
  let items: (T | undefined)[] = [];
  const cache = new Map<string, { item: T; node: HTMLElement }>();
  let cleanup: (() => void) | null = null;

  const margin = (): number => {
    const s = scroller();
    if (!s || s === el) return 0;
    return el.getBoundingClientRect().top - s.getBoundingClientRect().top + s.scrollTop;
  };

  const draw = (): void => {
    const rows = v.getVirtualItems();
    el.style.height = `${v.getTotalSize()}px`;
    const keep = new Set<string>();
    const nodes: HTMLElement[] = [];
    const offset = v.options.scrollMargin;
    const holes: number[] = [];
    for (const row of rows) {
      const item = items[row.index];
      if (item === undefined) {
        if (!opts.placeholder) continue;
        holes.push(row.index);
        const node = opts.placeholder(row.index);
        node.dataset.index = String(row.index);
        node.style.transform = `translateY(${row.start - offset}px)`;
        nodes.push(node);
        continue;
      }
      const key = opts.key(item);
      keep.add(key);
      let hit = cache.get(key);
      if (!hit || !(hit.item === item || (opts.same?.(hit.item, item) ?? false))) {
        hit = { item, node: opts.render(item) };
        cache.set(key, hit);
      }
      hit.node.dataset.index = String(row.index);
      hit.node.style.transform = `translateY(${row.start - offset}px)`;
      nodes.push(hit.node);
    }
    for (const k of [...cache.keys()]) if (!keep.has(k)) cache.delete(k);
    // Only touch the DOM when the rows shown differ, so focus and selection survive.
    const same = nodes.length === el.children.length && nodes.every((n, i) => el.children[i] === n);
    if (!same) el.replaceChildren(...nodes);
    for (const n of nodes) if (n.dataset.hole === undefined) v.measureElement(n);
    if (holes.length > 0) opts.missing?.(holes);
  };

  const v = new Virtualizer<HTMLElement, HTMLElement>({
    count: 0,
    getScrollElement: scroller,
    estimateSize: () => opts.estimate,
    getItemKey: (i) => (items[i] === undefined ? i : opts.key(items[i]!)),
    scrollToFn: elementScroll,
    observeElementRect: (inst, cb) => {
      const s = inst.scrollElement;
      // Without layout (jsdom, or not yet attached) assume a window-sized viewport.
      if (s && s.clientHeight === 0) cb(INITIAL_RECT);
      return observeElementRect(inst, (r) => cb(r.height === 0 ? INITIAL_RECT : r));
    },
    observeElementOffset,
    // A row without layout (jsdom, a hidden pane) keeps its estimate rather than
    // measuring 0, which would make every row "visible".
    measureElement: (node, entry, inst) => {
      const size = measureElement(node, entry, inst);
      return size > 0 ? size : opts.estimate;
    },
    overscan: opts.overscan ?? 12,
    initialRect: INITIAL_RECT,
    onChange: () => draw(),
  });

  return {
    el,
    mount() {
      cleanup?.();
      v.setOptions({ ...v.options, scrollMargin: margin() });
      cleanup = v._didMount();
      v._willUpdate();
      draw();
    },
    update(next: (T | undefined)[]) {
      items = next;
      v.setOptions({ ...v.options, count: items.length, scrollMargin: el.isConnected ? margin() : v.options.scrollMargin });
      v._willUpdate();
      draw();
    },
    scrollToIndex(index, align = "start") {
      v.scrollToIndex(index, { align });
    },
    rendered: () => el.children.length,
    invalidate() {
      cache.clear();
    },
    destroy() {
      cleanup?.();
      cleanup = null;
    },
  };
}
