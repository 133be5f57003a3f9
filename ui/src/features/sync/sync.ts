// Online/offline, waiting changes and the last sync, always visible; and the settings
// dialog for the team server (the token is sent to Rust and never shown again), with
// the laptop's backup action and the export of held (quarantined) ops beside it.
import type { RemoteInput, SyncView } from "../../ipc";
import { h } from "../../lib/dom";
import { localTime } from "../../lib/format";

export function syncBadge(s: SyncView, onSettings: () => void): HTMLElement {
  let label: string;
  let cls: string;
  if (!s.url) {
    label = "Sync off";
    cls = "off";
  } else if (s.syncing) {
    label = "Syncing…";
    cls = "syncing";
  } else if (s.online === false) {
    label = "Offline";
    cls = "offline";
  } else {
    label = "Online";
    cls = "online";
  }
  const refused =
    (s.rejected > 0 ? ` · ${s.rejected} refused` : "") +
    (s.quarantined > 0 ? ` · ⚠ ${s.quarantined} quarantined` : "") +
    (s.newer > 0 ? ` · ${s.newer} from a newer version` : "") +
    (s.clock_drift ? " · ⚠ clock" : "") +
    (s.insecure_warning ? " · ⚠ unencrypted" : "");
  const detail = s.url
    ? ` · ${s.pending} waiting${refused} · ${s.last_synced_at ? `synced ${localTime(s.last_synced_at)}` : "never synced"}`
    : "";
  const title = [
    s.last_error,
    s.insecure_warning ? `Warning: ${s.insecure_warning}` : null,
    s.clock_drift
      ? `Changes by ${s.clock_drift.author} arrived stamped ${s.clock_drift.ahead_minutes} min ahead of this laptop's clock: check both clocks (sync still converges)`
      : null,
    s.quarantined > 0
      ? `${s.quarantined} teammate change(s) were invalid and are kept in quarantine, not applied (latest: ${s.quarantine_reason ?? "no reason"}); see \`firebreak sync quarantine\``
      : null,
    s.newer > 0 ? `${s.newer} change(s) come from a newer Firebreak; they are kept and applied once this one is upgraded` : null,
    s.rejected > 0 ? `${s.rejected} change(s) refused by the server (${s.rejected_reason ?? "no reason given"}); they are kept here, and saving the team server again retries them` : null,
    s.url ? `${s.url}${s.member ? ` as ${s.member}` : ""}` : "No team server set",
  ]
    .filter((t): t is string => !!t)
    .join("\n");
  return h(
    "button",
    { class: `link sync sync-${cls}`, "data-testid": "sync-status", title, onclick: onSettings },
    h("span", { class: "dot", "aria-hidden": "true" }, "●"),
    ` ${label}${detail}`,
  );
}

/** What the window says after a backup: where it went, and that no secret is in it. */
export function backupDone(path: string): string {
  return `Backed up to ${path}. The team server token is not in the backup; set it again after a restore.`;
}

/**
 * The team server dialog. `backup` writes this laptop's database into the export folder
 * and resolves to the file's path (undefined when it failed and the error is shown);
 * `exportHeld` saves the held ops through the save dialog (null when cancelled).
 */
export function remoteDialog(current: SyncView, save: (r: RemoteInput) => void, close: () => void, backup?: () => Promise<string | undefined>, exportHeld?: () => Promise<string | null | undefined>): HTMLElement {
  const url = h("input", { id: "remote-url", value: current.url ?? "", placeholder: "https://firebreak.example:8443" });
  const team = h("input", { id: "remote-team", value: current.team ?? "", placeholder: "team" });
  const token = h("input", { id: "remote-token", type: "password", placeholder: current.url ? "(unchanged unless you type a new one)" : "token from your team admin", autocomplete: "off" });
  const ca = h("input", { id: "remote-ca", placeholder: current.url ? "(unchanged unless you give one)" : "/path/to/team-ca.pem (only for a team's own CA)" });
  const allowHttp = h("input", { id: "remote-allow-http", type: "checkbox" });
  return h(
    "div",
    { class: "overlay", role: "dialog", "aria-label": "Team server" },
    h(
      "form",
      {
        class: "declare-form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          save({ url: url.value, team: team.value, token: token.value, ca_file: ca.value.trim(), allow_http: allowHttp.checked });
        },
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key === "Escape") close();
        },
      },
      h("h2", {}, "Team server"),
      h("label", {}, "Server address", url),
      h("label", {}, "Team", team),
      h("label", {}, "Your token", token),
      h("details", {}, h("summary", {}, "Certificates and plain HTTP"), h("label", {}, "Team CA file (PEM)", ca), h("label", { class: "check" }, allowHttp, "Allow plain http:// to a server off this laptop (unencrypted: anyone on the network can read and change what is sent)")),
      current.url
        ? h(
            "p",
            { class: "hint", "data-testid": "remote-identity" },
            `${current.member ? `Your changes are signed “${current.member}”, the token's member. ` : "The token is checked when the server is reachable. "}` +
              `The token is kept in ${current.token_kept_in === "keyring" ? "the OS keyring" : "a file only you can read"}.`,
          )
        : null,
      backup ? backupRow(backup) : null,
      exportHeld ? heldRow(current, exportHeld) : null,
      h("div", { class: "form-actions" }, h("button", { type: "button", class: "secondary", onclick: close }, "Cancel"), h("button", { type: "submit", class: "primary" }, "Save")),
    ),
  );
}

function backupRow(backup: () => Promise<string | undefined>): HTMLElement {
  const said = h("span", { "data-testid": "backup-result" });
  const button = h("button", { type: "button", class: "link", "data-testid": "backup-database" }, "Back up this laptop");
  button.addEventListener("click", () => {
    button.disabled = true;
    void backup().then((path) => {
      button.disabled = false;
      said.textContent = path ? backupDone(path) : "";
    });
  });
  return h("p", { class: "hint" }, button, " ", said);
}

/** Held ops (quarantined, or from a newer version) exported for an admin, as the CLI's
 * `firebreak sync quarantine --export FILE` does. */
function heldRow(current: SyncView, exportHeld: () => Promise<string | null | undefined>): HTMLElement {
  const said = h("span", { "data-testid": "quarantine-export-result" });
  const held = current.quarantined + current.newer;
  const button = h("button", { type: "button", class: "link", "data-testid": "export-quarantine" }, "Export quarantined ops…");
  button.addEventListener("click", () => {
    button.disabled = true;
    void exportHeld().then((path) => {
      button.disabled = false;
      said.textContent = path ? `Saved to ${path}.` : "";
    });
  });
  return h("p", { class: "hint" }, button, ` ${held} held (${current.quarantined} quarantined, ${current.newer} from a newer version) `, said);
}
