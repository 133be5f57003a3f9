// The open incident's timeline, read a page at a time: the incident's detail brings its
// newest entries, and the rows scrolled to or found by a search are read as they come
// into view (`timeline_page`). A 10,000-entry timeline costs what its visible rows do.
import type { EntryView, IncidentDetail, TimelinePage, TimelineQuery } from "../../ipc";
import { h } from "../../lib/dom";
import { virtualList } from "../../lib/virtual";
import type { VirtualList } from "../../lib/virtual";
import type { TimelineFilter } from "./detail";

/** Entries read per request beyond the first. */
export const PAGE = 200;

export interface PagedTimelineOptions {
  incident: string;
  fetch: (q: TimelineQuery) => Promise<TimelinePage>;
  render: (e: EntryView) => HTMLElement;
  onError: (e: unknown) => void;
}

const sameEntry = (a: EntryView, b: EntryView) => a === b || JSON.stringify(a) === JSON.stringify(b);
const unfiltered = (f: TimelineFilter) => !f.kind && !f.query.trim();

export class PagedTimeline {
  readonly list: VirtualList<EntryView>;
  private items: (EntryView | undefined)[] = [];
  private filter: TimelineFilter = { kind: "", query: "" };
  /** Bumped whenever what the rows show is asked afresh; older answers are dropped. */
  private generation = 0;
  private inFlight = new Set<number>();

  constructor(private readonly opts: PagedTimelineOptions) {
    this.list = virtualList<EntryView>({
      tag: "ol",
      attrs: { class: "timeline", "data-testid": "timeline", "aria-label": "Timeline, newest first" },
      scroller: () => document.getElementById("main"),
      key: (e) => e.id,
      same: sameEntry,
      estimate: 34,
      render: opts.render,
      placeholder: () => h("li", { class: "entry entry-loading", "data-hole": "", "aria-busy": "true" }, "…"),
      missing: (indexes) => this.load(indexes),
    });
  }

  get incident(): string {
    return this.opts.incident;
  }

  /** How many rows the timeline (as filtered) has. */
  get length(): number {
    return this.items.length;
  }

  /** Shows the incident as just read: its newest entries at once, the rest as needed. */
  show(inc: IncidentDetail, filter: TimelineFilter): void {
    this.filter = filter;
    if (!unfiltered(filter)) return void this.query();
    this.generation++;
    this.inFlight.clear();
    const items: (EntryView | undefined)[] = new Array(inc.timeline_total);
    const newest = [...inc.timeline].reverse();
    for (let i = 0; i < newest.length && i < items.length; i++) items[i] = newest[i];
    this.items = items;
    this.list.update(items);
  }

  /** Shows the entries of another filter (kind, words), read afresh. */
  setFilter(filter: TimelineFilter): void {
    this.filter = filter;
    void this.query();
  }

  private async query(): Promise<void> {
    const generation = ++this.generation;
    this.inFlight.clear();
    try {
      const page = await this.opts.fetch(this.request(0, PAGE));
      if (generation !== this.generation) return;
      const items: (EntryView | undefined)[] = new Array(page.total);
      page.entries.forEach((e, i) => (items[i] = e));
      this.items = items;
      this.list.update(items);
    } catch (e) {
      if (generation === this.generation) this.opts.onError(e);
    }
  }

  private request(offset: number, limit: number): TimelineQuery {
    return { incident: this.opts.incident, offset, limit, kind: this.filter.kind, text: this.filter.query.trim() };
  }

  /** Reads the pages holding these rows (each page once at a time). */
  private load(indexes: number[]): void {
    const pages = new Set(indexes.map((i) => Math.floor(i / PAGE)));
    for (const p of pages) {
      if (this.inFlight.has(p)) continue;
      this.inFlight.add(p);
      const generation = this.generation;
      this.opts.fetch(this.request(p * PAGE, PAGE)).then(
        (page) => {
          if (generation !== this.generation) return;
          this.inFlight.delete(p);
          // The timeline changed length meanwhile (an entry came): the other rows are
          // read again as they come into view.
          const items = page.total === this.items.length ? [...this.items] : new Array<EntryView | undefined>(page.total);
          page.entries.forEach((e, i) => (items[page.offset + i] = e));
          this.items = items;
          this.list.update(items);
        },
        (e) => {
          if (generation === this.generation) this.opts.onError(e);
        },
      );
    }
  }

  destroy(): void {
    this.generation++;
    this.list.destroy();
  }
}
