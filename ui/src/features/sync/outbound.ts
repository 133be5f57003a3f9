// Webhook posts and GitHub issues the other side refused for good (after a few tries):
// shown under the sync badge with the reason (HTTP status and what the service said),
// each with a Retry button that queues it again. Nothing is shown while none failed.
import type { OutboundView } from "../../ipc";
import { h } from "../../lib/dom";

export function outboundFailures(v: OutboundView, retry: (id: number) => void): HTMLElement | null {
  if (v.failed.length === 0) return null;
  const n = v.failed.length;
  return h(
    "div",
    { class: "outbound-failed", "data-testid": "outbound-failed", role: "status" },
    h("strong", {}, `⚠ ${n} message${n === 1 ? "" : "s"} not delivered`),
    h(
      "ul",
      {},
      v.failed.map((f) =>
        h(
          "li",
          { "data-testid": `outbound-failed-${f.id}` },
          h("span", { class: "outbound-about" }, f.about),
          h("span", { class: "outbound-reason" }, ` — ${f.reason} (${f.attempts} attempt${f.attempts === 1 ? "" : "s"}) `),
          h("button", { class: "link", "data-testid": `outbound-retry-${f.id}`, title: "Send it again now", onclick: () => retry(f.id) }, "Retry"),
        ),
      ),
    ),
  );
}
