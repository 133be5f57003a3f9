// The Metrics view: the dashboard of ./metrics.ts over a chosen period.
import { api } from "../../ipc";
import type { MetricsReport } from "../../ipc";
import type { ViewDef } from "../shell/view";
import { metricsView } from "./metrics";

export function metricsViewDef(): ViewDef {
  let report: MetricsReport | null = null;
  let period: { from: string | null; to: string | null } = { from: null, to: null };
  const load = async () => {
    report = await api.getMetrics({ ...period, severity: null });
  };
  return {
    id: "metrics",
    label: "Metrics",
    load,
    async changed() {
      await load();
      return false;
    },
    render(ctx) {
      return metricsView(report!, (from, to) =>
        void ctx.guard(async () => {
          period = { from: from || null, to: to || null };
          await load();
          ctx.redraw();
        }),
        () =>
          void ctx.guard(async () => {
            const path = await api.exportMetricsCsv({ ...period, severity: null });
            if (path !== null) ctx.toast(`Saved ${path}`);
          }),
      );
    },
  };
}
