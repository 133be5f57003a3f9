// Every view of the window, in the order of the navigation bar. A new view is a file
// exporting a ViewDef (see ./view.ts) and one line here.
import { actionsView } from "../actions/view";
import { drillsViewDef } from "../drills/view";
import { incidentsView } from "../incidents/view";
import { metricsViewDef } from "../metrics/view";
import { policyViewDef } from "../policy/view";
import { settingsViewDef } from "../settings/view";
import type { ViewDef } from "./view";

export function makeViews(): ViewDef[] {
  const incidents = incidentsView();
  return [
    incidents,
    actionsView(),
    metricsViewDef(),
    drillsViewDef(() => incidents.resetTab()),
    policyViewDef(),
    settingsViewDef(),
  ];
}
