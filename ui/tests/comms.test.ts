// The status-update dialog on its own: an internal template is marked sent as an
// internal update (the webhook allowed); a customer template is marked sent with its
// template, so the core records a customer update (its own clock), and the team webhook
// is not offered for it.
import { describe, expect, it, vi } from "vitest";
import { commsPanel, type ResponseActs } from "../src/features/response/panels";
import type { IncidentDetail, Template } from "../src/ipc";

function incident(): IncidentDetail {
  return { id: "id-1", human_id: "INC-1", status: "investigating", timeline: [], timeline_total: 0, updates_sent: 0 } as unknown as IncidentDetail;
}

function acts(sent: ResponseActs["sent"]): ResponseActs {
  const none = () => undefined;
  return {
    assign: none,
    addTask: none,
    completeTask: none,
    check: none,
    takeAction: none,
    copy: none,
    handoff: none,
    draft: async (t: Template) => `draft of ${t}`,
    sent,
  };
}

describe("comms dialog", () => {
  it("marks an internal update sent as internal, and a customer template's as a customer update", async () => {
    const sent = vi.fn();
    const panel = commsPanel(incident(), acts(sent), "", () => undefined);
    document.body.replaceChildren(panel);
    const template = panel.querySelector<HTMLSelectElement>("#comms-template")!;
    const post = panel.querySelector<HTMLInputElement>("#comms-post")!;
    const button = panel.querySelector<HTMLButtonElement>("#comms-sent")!;
    expect(template.value).toBe("initial");
    post.checked = true;
    await vi.waitFor(() => expect(panel.querySelector<HTMLTextAreaElement>("#comms-text")!.value).toBe("draft of initial"));
    button.click();
    expect(sent).toHaveBeenLastCalledWith("draft of initial", true, "initial");

    template.value = "customer_update";
    template.dispatchEvent(new Event("change"));
    expect(post.disabled).toBe(true);
    expect(post.checked).toBe(false);
    await vi.waitFor(() => expect(panel.querySelector<HTMLTextAreaElement>("#comms-text")!.value).toBe("draft of customer_update"));
    button.click();
    expect(sent).toHaveBeenLastCalledWith("draft of customer_update", false, "customer_update");

    template.value = "update";
    template.dispatchEvent(new Event("change"));
    expect(post.disabled).toBe(false);
  });
});
