// The one module that talks to Tauri (through the generated bindings). Everything else
// imports from here. Errors always arrive as `ApiError` ({code, message}).
import { commands } from "./bindings";
import type { ApiError, ErrorCode } from "./bindings";
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
