// The MM's own view, "my standing". It only ever requests its own id's endpoint: the
// API would refuse another MM's (403), and the page does not even ask.
import { ApiError } from "../api";
import { ChartGroup, MM_CHARTS } from "../charts";
import { el, fill } from "../dom";
import type { Standing, Update } from "../types";
import { Throttle, type Api, type View } from "../view";
import { downloadButton } from "./download";
import { standingSection } from "./standing";
import { StripSection } from "./strips";
import { WhatIfPanel } from "./whatif";

export class MmView implements View {
  readonly id = "standing";
  readonly title = "My standing";
  readonly root: HTMLElement;
  readonly charts = new ChartGroup(MM_CHARTS);
  private readonly body = el("div", {}, el("p", { class: "empty" }, "Loading the standing…"));
  // The stream carries only the compact standing; the full one (eligibility, missing
  // amounts) is fetched again every few seconds while updates arrive.
  private readonly refresh = new Throttle(3000, () => this.load());
  // Outside `body`, which each refresh replaces: a typed plan stays put.
  private readonly whatIf: WhatIfPanel;
  // Its uptime strips, per market (also outside `body`: a clicked cell's detail stays).
  private readonly strips: StripSection;

  constructor(private readonly api: Api, private readonly mmId: string) {
    this.whatIf = new WhatIfPanel(api, mmId);
    this.strips = new StripSection(api, mmId);
    const path = `/v1/mms/${encodeURIComponent(mmId)}`;
    this.root = el("div", { class: "view", "data-view": this.id },
      el("h2", {}, `My standing: ${mmId}`),
      el("div", { class: "actions" },
        downloadButton(api, "Download my standing (CSV)", `${path}?format=csv`, `standing-${mmId}.csv`), " ",
        // The last closed month's statement (SCORING.md section 15); before the first month end the API says there is none.
        downloadButton(api, "Download my last statement (CSV)", `${path}/statement?format=csv`, `statement-${mmId}.csv`)),
      this.body, this.strips.root, this.whatIf.root, el("h3", {}, "Over time (UTC)"), this.charts.root);
  }

  update(update: Update): void {
    this.charts.update(update);
    this.strips.setMarkets(update.markets.map((m) => m.symbol));
    if (this.root.hidden) return; // no polling for a view nobody looks at
    this.refresh.run();
    this.strips.refresh(update);
  }

  shown(): void {
    this.refresh.run(true);
  }

  private async load(): Promise<void> {
    try {
      const standing = await this.api.get<Standing>(`/v1/mms/${encodeURIComponent(this.mmId)}`);
      fill(this.body, standingSection(standing));
      this.whatIf.setCurrent(standing);
    } catch (e) {
      // Keep the last standing on screen; say why it is not fresh.
      const message = e instanceof ApiError ? e.message : String(e);
      this.body.querySelector(".view-error")?.remove();
      this.body.prepend(el("p", { class: "view-error" }, `Not refreshed: ${message}`));
    }
  }
}
