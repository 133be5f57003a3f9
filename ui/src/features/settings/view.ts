// The Settings view: what the CLI sets up, in the window: importing a review file, the
// webhook status updates are posted to, the GitHub token for action-item issues, and a
// backup of this laptop. Secrets are written, never shown back: the view says only
// where each is kept.
import { api } from "../../ipc";
import type { SettingsView } from "../../ipc";
import { h } from "../../lib/dom";
import { backupDone } from "../sync/sync";
import type { ViewContext, ViewDef } from "../shell/view";

function secretForm(ctx: ViewContext, o: { id: string; label: string; placeholder: string; keptIn: string | null; save: (v: string) => Promise<SettingsView>; done: (set: boolean) => string; after: (v: SettingsView) => void }): HTMLElement {
  const input = h("input", { id: o.id, type: "password", placeholder: o.placeholder, autocomplete: "off", "aria-label": o.label });
  const run = (value: string) =>
    void ctx.guard(async () => {
      o.after(await o.save(value));
      ctx.toast(o.done(value !== ""));
    });
  return h(
    "form",
    { class: "inline-form", onsubmit: (e: Event) => (e.preventDefault(), run(input.value.trim())) },
    h("label", { class: "inline" }, `${o.label} `, input),
    h("button", { type: "submit", class: "primary", "data-testid": `${o.id}-save` }, "Save"),
    o.keptIn ? h("button", { type: "button", class: "secondary", "data-testid": `${o.id}-clear`, onclick: () => run("") }, "Forget") : null,
    h("span", { class: "meta", "data-testid": `${o.id}-state` }, o.keptIn ? `set (kept in the ${o.keptIn})` : "not set"),
  );
}

export function settingsViewDef(): ViewDef {
  let settings: SettingsView | null = null;
  let backupNote = "";
  return {
    id: "settings",
    label: "Settings",
    async load() {
      settings = await api.settings();
    },
    render(ctx) {
      const s = settings!;
      const after = (v: SettingsView) => {
        settings = v;
        ctx.redraw();
      };
      return h(
        "section",
        { class: "settings", "data-testid": "settings" },
        h("h1", {}, "Settings"),
        h("h2", { class: "section-title" }, "Import a review"),
        h("p", { class: "meta" }, "A post-incident review in the reference's YAML format (from another tool or an earlier export)."),
        h(
          "button",
          {
            class: "primary",
            "data-testid": "import-pir",
            onclick: () =>
              void ctx.guard(async () => {
                const id = await api.importPir();
                if (id === null) return;
                ctx.toast(`Imported ${id}`);
                ctx.store.set({ items: await api.listIncidents() });
                await ctx.select(id);
              }),
          },
          "Import review file…",
        ),
        h("h2", { class: "section-title" }, "Status update webhook"),
        h("p", { class: "meta" }, "Each status update is also posted there (Slack-style incoming webhook)."),
        secretForm(ctx, { id: "webhook", label: "Webhook address", placeholder: "https://hooks.example.com/…", keptIn: s.webhook_kept_in, save: (v) => api.setWebhook(v), done: (set) => (set ? "Webhook saved" : "Webhook forgotten"), after }),
        h("h2", { class: "section-title" }, "GitHub"),
        h("p", { class: "meta" }, "A token that may create issues, for the review's action items (Review tab)."),
        secretForm(ctx, { id: "github-token", label: "GitHub token", placeholder: "ghp_…", keptIn: s.github_token_kept_in, save: (v) => api.setGithubToken(v), done: (set) => (set ? "GitHub token saved" : "GitHub token forgotten"), after }),
        h("h2", { class: "section-title" }, "This laptop"),
        h("p", { class: "meta" }, s.export_folder ? `Exports are offered in ${s.export_folder} first (the folder used last).` : "Exports ask where to save."),
        h(
          "button",
          {
            class: "secondary",
            "data-testid": "settings-backup",
            onclick: () =>
              void ctx.guard(async () => {
                backupNote = backupDone(await api.backupDatabase());
                ctx.redraw();
              }),
          },
          "Back up this laptop's record",
        ),
        h("p", { class: "meta", "data-testid": "settings-backup-result" }, backupNote),
      );
    },
  };
}
