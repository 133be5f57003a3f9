// The Settings view: what the CLI sets up, in the window: importing a review file, the
// webhook status updates are posted to, the GitHub token for action-item issues, a
// backup of this laptop and restoring one (after a confirmation; the whole window then
// re-reads the restored record). Secrets are written, never shown back: the view says
// only where each is kept.
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

/** Asks before a restore: the current record is replaced by the backup's. */
function confirmRestore(ctx: ViewContext, restore: () => void): void {
  const close = () => ctx.overlay(null);
  ctx.overlay(
    h(
      "div",
      { class: "overlay", role: "dialog", "aria-label": "Restore from backup?" },
      h(
        "div",
        { class: "help", "data-testid": "restore-confirm-dialog" },
        h("h2", {}, "Restore from backup?"),
        h("p", {}, "This laptop's current record — every incident, timeline and review on it — is replaced by the backup's. Changes made since the backup that no teammate has are lost."),
        h("p", { class: "meta" }, "A file that is not a Firebreak backup, is damaged or is from a newer version is refused and nothing changes. Secrets are not in a backup: set the team server token again if this is another laptop's."),
        h(
          "div",
          { class: "form-actions" },
          h("button", { class: "secondary", "data-testid": "restore-cancel", onclick: close }, "Cancel"),
          h("button", { class: "primary", "data-testid": "restore-confirm", onclick: () => (close(), restore()) }, "Choose the backup and restore…"),
        ),
      ),
    ),
  );
}

/** After a restore: the list, the policy, the identity and sync are read afresh. */
async function reloadAll(ctx: ViewContext): Promise<void> {
  const [items, policy, me, sync] = await Promise.all([api.listIncidents(), api.getPolicy(), api.whoami(), api.syncStatus()]);
  ctx.store.set({ items, policy, me: me.name, sync, selected: null });
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
        h(
          "button",
          {
            class: "secondary",
            "data-testid": "settings-restore",
            onclick: () =>
              confirmRestore(ctx, () =>
                void ctx.guard(async () => {
                  const done = await api.restoreBackup();
                  if (done === null) return;
                  await reloadAll(ctx);
                  settings = await api.settings();
                  backupNote = `Restored ${done.ops} changes; this laptop is replica ${done.replica_tag}${done.adopted ? " (taken over from the backup)" : ""}. Note: ${done.note}.`;
                  ctx.toast("Restored from the backup");
                  ctx.redraw();
                }),
              ),
          },
          "Restore from backup…",
        ),
      );
    },
  };
}
