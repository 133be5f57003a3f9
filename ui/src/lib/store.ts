// A small store: the window's shared state and who wants to know when a part of it
// changes. Views read with `get()`, write with `set(patch)`; a subscriber hears which
// keys changed, so it redraws only what depends on them.
export type Listener<S> = (state: Readonly<S>, changed: ReadonlySet<keyof S>) => void;

export class Store<S extends object> {
  private listeners: Listener<S>[] = [];

  constructor(private state: S) {}

  get(): Readonly<S> {
    return this.state;
  }

  /** Applies `patch`; listeners hear of the keys whose value is a different one. */
  set(patch: Partial<S>): void {
    const changed = new Set<keyof S>();
    for (const k of Object.keys(patch) as (keyof S)[]) {
      if (this.state[k] !== patch[k]) changed.add(k);
    }
    if (changed.size === 0) return;
    this.state = { ...this.state, ...patch };
    for (const f of [...this.listeners]) f(this.state, changed);
  }

  subscribe(f: Listener<S>): () => void {
    this.listeners.push(f);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== f);
    };
  }
}
