// What a view of the window is, and what the shell gives it. The shell keeps the sidebar
// (incident list, sync state) and shows one view at a time in the main pane; the views
// are listed once, in ./registry.ts.
import type { ApiError, ChangeEvent, IncidentDetail, IncidentSummary, PolicyView, SyncView } from "../../ipc";
import type { Store } from "../../lib/store";

/** The state the shell and the views share. */
export interface AppState {
  items: IncidentSummary[];
  selected: IncidentDetail | null;
  policy: PolicyView;
  me: string;
  /** The id of the view shown in the main pane. */
  view: string;
  /** The incident list's search text. */
  filter: string;
  sync: SyncView;
}

export interface ViewContext {
  readonly store: Store<AppState>;
  /** Runs `f`, showing a failure as {code, message}; true when it succeeded. */
  guard(f: () => Promise<void>): Promise<boolean>;
  showError(e: ApiError): void;
  /** A short confirmation. */
  toast(message: string): void;
  /** Shows a dialog over the window, or closes it (null). */
  overlay(el: HTMLElement | null): void;
  /** Opens an incident in the incidents view. */
  select(id: string): Promise<void>;
  /** Shows another view. */
  show(view: string): Promise<void>;
  /** Draws the main pane again (after a view changed its own state). */
  redraw(): void;
  now(): number;
  /** The rank (1 = most severe) of a level of the policy in force, for its colour. */
  rank(level: string): number;
}

export interface ViewDef {
  id: string;
  label: string;
  /** Reads what `render` needs; runs each time the view is shown. */
  load(ctx: ViewContext): Promise<void>;
  render(ctx: ViewContext): HTMLElement;
  /** After the rendered element is in the document (measure, focus, scroll). */
  mounted?(ctx: ViewContext): void;
  /** Something changed while the view is shown: re-read what it shows if affected.
   * True when the view brought the list and the open incident up to date itself. */
  changed?(ctx: ViewContext, c: ChangeEvent): Promise<boolean>;
}
