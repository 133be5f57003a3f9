// The review meeting: when it is (proposed: the first free slot in the policy's business
// hours inside the reference's 48 hours; a later choice is warned about) and who comes.
// Scheduling records an op; the .ics invite and the resolution update follow it.
import type { AgendaItem, MeetingProposal, PirView } from "../../ipc";
import { h, replace } from "../../lib/dom";
import { localInputToRfc3339, localTime } from "../../lib/format";
import { toLocalInput } from "../incidents/edit";

export interface MeetingActs {
  propose: () => Promise<MeetingProposal | null>;
  schedule: (at: string, attendees: string[]) => void;
}

/** The agenda with its timeboxes, timed from the meeting's start when there is one. */
export function agendaList(agenda: AgendaItem[], start: string | null): HTMLElement {
  let t = start ? Date.parse(start) : null;
  const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  return h(
    "ol",
    { class: "agenda", "data-testid": "agenda", "aria-label": "Agenda" },
    agenda.map((a) => {
      const at = t === null ? "" : `${clock(t)} `;
      if (t !== null) t += a.minutes * 60_000;
      return h("li", {}, at, h("strong", {}, a.topic), ` — ${a.minutes} min`);
    }),
  );
}

export function meetingForm(p: PirView, acts: MeetingActs, agenda: AgendaItem[] = []): HTMLElement {
  const at = h("input", { id: "meeting-at", type: "datetime-local", step: 60, value: toLocalInput(p.meeting_at), "aria-label": "Meeting time" });
  const attendees = h("input", { id: "meeting-attendees", value: p.meeting_attendees.join(", "), placeholder: "Ana, Bo, Cy", "aria-label": "Attendees (comma separated)" });
  const note = h("span", { class: "meta", "data-testid": "meeting-note" }, p.meeting_at ? `Scheduled for ${localTime(p.meeting_at)}${p.meeting_attendees.length ? ` with ${p.meeting_attendees.join(", ")}` : ""}.` : "Not scheduled yet.");
  const propose = async () => {
    const m = await acts.propose();
    if (!m) return;
    if (m.proposed) at.value = toLocalInput(m.proposed);
    replace(note, m.warning ?? `Proposed: the first free ${m.length_minutes}-minute slot in business hours, within ${m.within}.`);
    note.classList.toggle("bad", !!m.warning);
  };
  if (!p.meeting_at) void propose();
  return h(
    "form",
    {
      class: "inline-form meeting",
      "data-testid": "meeting",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const when = localInputToRfc3339(at.value);
        if (when) acts.schedule(when, attendees.value.split(",").map((s) => s.trim()).filter(Boolean));
      },
    },
    h("label", { class: "inline" }, "Review meeting ", at),
    attendees,
    h("button", { type: "button", class: "secondary", onclick: () => void propose() }, "Propose a slot"),
    h("button", { type: "submit", class: "primary", "data-testid": "meeting-schedule" }, "Schedule"),
    note,
    agenda.length ? agendaList(agenda, p.meeting_at) : null,
  );
}
