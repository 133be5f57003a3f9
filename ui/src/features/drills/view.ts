// The Drills view: scenarios to start on a drill clock (see ./drills.ts).
import { api } from "../../ipc";
import type { DrillsView } from "../../ipc";
import type { ViewDef } from "../shell/view";
import { drillsView } from "./drills";

export function drillsViewDef(onStarted: () => void): ViewDef {
  let drills: DrillsView | null = null;
  return {
    id: "drills",
    label: "Drills",
    async load() {
      drills = await api.listDrills();
    },
    render(ctx) {
      return drillsView(drills!, (scenario, speed) =>
        void ctx.guard(async () => {
          const inc = await api.startDrill({ scenario, speed });
          const items = await api.listIncidents();
          onStarted();
          ctx.store.set({ selected: inc, items, view: "incidents" });
        }),
      );
    },
  };
}
