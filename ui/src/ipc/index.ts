// The one module that talks to Tauri (through the generated bindings). Everything else
// imports from here. Errors always arrive as `ApiError` ({code, message}).
import { listen } from "@tauri-apps/api/event";
import { commands } from "./bindings";
import type { ApiError, ChangeEvent, ErrorCode } from "./bindings";
export type * from "./bindings";

function isApiError(e: unknown): e is ApiError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Normalises anything thrown by invoke into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return { code: "internal" as ErrorCode, message };
}

type Commands = typeof commands;
type Wrapped = { [K in keyof Commands]: Commands[K] };

/** The commands, with every rejection turned into an ApiError. */
export const api: Wrapped = Object.fromEntries(
  Object.entries(commands).map(([name, fn]) => [
    name,
    async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        throw toApiError(e);
      }
    },
  ]),
) as Wrapped;

/** The event the shell emits after every change (see src-tauri/src/changes.rs). */
export const CHANGED_EVENT = "firebreak://changed";

/** Calls `f` with what changed, each time something does; resolves to an unsubscribe. */
export function onChanged(f: (change: ChangeEvent) => void): Promise<() => void> {
  return listen<ChangeEvent>(CHANGED_EVENT, (e) => f(e.payload));
}
