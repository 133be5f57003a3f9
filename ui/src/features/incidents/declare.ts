// The declare form: title, severity (with the policy's questionnaire as a helper),
// services, summary, detection time, drill flag.
import type { Answer, DeclareInput, PolicyView, Reply, SeverityAdvice, Suggestion } from "../../ipc";
import { h, replace } from "../../lib/dom";
import { localInputToRfc3339 } from "../../lib/format";

function helperSection(
  policy: PolicyView,
  suggest: (answers: Answer[]) => Promise<Suggestion | null>,
  onSuggestion: (s: Suggestion) => void,
): HTMLElement {
  const selects: [HTMLSelectElement, string, string][] = [];
  const groups = policy.levels.map((level) => {
    const qs = policy.questions.filter((q) => q.level === level.id);
    if (qs.length === 0) return null;
    return h(
      "fieldset",
      { class: "helper-level" },
      h("legend", {}, `${level.id} — ${level.name}`),
      qs.map((q) => {
        const sel = h(
          "select",
          { "aria-label": q.criterion, "data-testid": "helper-answer" },
          h("option", { value: "" }, "—"),
          h("option", { value: "yes" }, "yes"),
          h("option", { value: "no" }, "no"),
          h("option", { value: "unsure" }, "unsure"),
        );
        selects.push([sel, q.level, q.criterion]);
        return h("label", { class: "helper-q" }, sel, h("span", {}, q.is_example ? `e.g. ${q.criterion}` : q.criterion));
      }),
    );
  });
  const result = h("p", { class: "helper-result", "data-testid": "helper-result" });
  const run = async () => {
    const answers: Answer[] = selects
      .filter(([sel]) => sel.value)
      .map(([sel, level, criterion]) => ({ level, criterion, reply: sel.value as Reply }));
    const s = await suggest(answers);
    if (s) {
      replace(result, `Suggested: ${s.level} — ${s.reason}`);
      onSuggestion(s);
    } else {
      replace(result, "Answer yes or unsure to at least one question.");
    }
  };
  return h(
    "details",
    { class: "helper" },
    h("summary", {}, "Help me choose the severity"),
    h("p", { class: "meta" }, policy.tie_rule),
    groups,
    h("button", { type: "button", class: "secondary", id: "helper-suggest", onclick: () => void run() }, "Suggest a level"),
    result,
  );
}

export function renderDeclare(
  policy: PolicyView,
  suggest: (answers: Answer[]) => Promise<Suggestion | null>,
  onSubmit: (input: DeclareInput) => void,
  onCancel: () => void,
): HTMLElement {
  let suggested: SeverityAdvice | null = null;
  const title = h("input", { id: "declare-title", name: "title", required: true, maxlength: 200, placeholder: "What is wrong, in a few words", autocomplete: "off" });
  const severity = h(
    "select",
    { id: "declare-severity", name: "severity" },
    policy.levels.map((l) => h("option", { value: l.id, title: l.criteria.join("\n") }, `${l.id} — ${l.name}`)),
  );
  const services = h("input", { id: "declare-services", name: "services", placeholder: "api, database", autocomplete: "off" });
  const summary = h("textarea", { id: "declare-summary", name: "summary", rows: 3, placeholder: "Impact, what we know so far" });
  const at = h("input", { id: "declare-at", name: "at", type: "datetime-local", step: 1 });
  const drill = h("input", { id: "declare-drill", name: "drill", type: "checkbox" });
  const form = h(
    "form",
    {
      class: "declare-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        onSubmit({
          title: title.value,
          severity: severity.value,
          summary: summary.value,
          services: services.value.split(",").map((s) => s.trim()).filter(Boolean),
          drill: drill.checked,
          at: localInputToRfc3339(at.value),
          suggested,
        });
      },
      onkeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === "Escape") onCancel();
      },
    },
    h("h2", {}, "Declare an incident"),
    h("label", {}, "Title", title),
    h("label", {}, `Severity (${policy.name})`, severity),
    helperSection(policy, suggest, (s) => {
      suggested = { level: s.level, reason: s.reason };
      severity.value = s.level;
    }),
    h("label", {}, "Affected services (comma-separated)", services),
    h("label", {}, "Summary", summary),
    h("label", {}, "Detected at (leave empty for now)", at),
    h("label", { class: "check" }, drill, "This is a drill"),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "button", class: "secondary", onclick: onCancel }, "Cancel (Esc)"),
      h("button", { type: "submit", id: "declare-submit", class: "primary" }, "Declare"),
    ),
  );
  return h("div", { class: "overlay", role: "dialog", "aria-modal": "true", "aria-label": "Declare an incident" }, form);
}
