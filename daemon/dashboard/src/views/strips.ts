// "Uptime, last 120 snapshots" for one MM: a strip per market (see ../strip.ts) and the
// detail box a clicked cell fills. Refreshed at most every 5 s while its view is shown.
import { el, fill } from "../dom";
import { DetailBox, EvidenceStore, STRIP_CELLS, Strip } from "../strip";
import type { Update } from "../types";
import type { Api } from "../view";

const LEGEND: [string, string][] = [["active", "active"], ["inactive", "observed, not active"],
  ["unobserved", "unobserved"], ["none", "no row (daemon not running)"]];

export const stripLegend = (): HTMLElement =>
  el("p", { class: "strip-legend muted" }, ...LEGEND.flatMap(([state, text]) =>
    [el("span", { class: `cell ${state}` }), ` ${text} `]), "; hover a cell for its reason, click it for its row.");

export class StripSection {
  readonly root: HTMLElement;
  private readonly store: EvidenceStore;
  private readonly detail = new DetailBox();
  private readonly list = el("div", { class: "strips" });
  private readonly strips = new Map<string, Strip>();
  private last = 0;

  constructor(api: Api, private readonly mmId: string) {
    this.store = new EvidenceStore(api, mmId);
    this.root = el("section", { class: "strip-section", "data-strips": mmId },
      el("h3", {}, `Uptime, last ${STRIP_CELLS} snapshots per market`), stripLegend(), this.list, this.detail.root);
  }

  setMarkets(symbols: string[]): void {
    if (symbols.every((s) => this.strips.has(s))) return;
    for (const s of symbols) if (!this.strips.has(s)) this.strips.set(s, new Strip(this.store, s, this.detail));
    fill(this.list, ...[...this.strips].map(([symbol, strip]) =>
      el("div", { class: "strip-row" }, el("span", { class: "strip-label" }, symbol), strip.root)));
  }

  refresh(update: Update): void {
    const now = Date.now();
    if (now - this.last < 5000) return;
    this.last = now;
    void this.store.refresh(update.month, update.as_of);
  }
}
