// "What if": the MM plans, per market, extra maker volume and how it will quote for the
// rest of the month; POST /v1/mms/<id>/whatif answers the standing at the month end
// under that plan, shown next to the current one. One table: inputs, current, projected.
import { ApiError } from "../api";
import { badge, el, fill, num, plain, td, usd } from "../dom";
import type { MarketPlan, Standing, StandingMarket, WhatIf } from "../types";
import type { Api } from "../view";

const FIELDS: { key: keyof MarketPlan; label: string; max?: number }[] = [
  { key: "extra_maker_volume_usd", label: "extra maker volume (USD)" },
  { key: "size_per_side_usd", label: "size per side (USD)" },
  { key: "spread_bps", label: "spread (bps)" },
  { key: "active_share", label: "active share (0..1)", max: 1 },
];

interface Row {
  inputs: Map<keyof MarketPlan, HTMLInputElement>;
  current: HTMLTableCellElement;
  projected: HTMLTableCellElement;
}

export class WhatIfPanel {
  readonly root: HTMLElement;
  private readonly tbody = el("tbody", {});
  private readonly rows = new Map<string, Row>();
  private readonly button = el("button", { type: "button", class: "project", onclick: () => this.project() }, "Project");
  private readonly currentTotal = el("span", { "data-current-total": "" }, "–");
  private readonly projectedTotal = el("span", { "data-projected-total": "" }, "–");
  private readonly result = el("p", { class: "whatif-result", role: "status" });

  constructor(private readonly api: Api, private readonly mmId: string) {
    this.root = el("section", { class: "whatif", "data-whatif": "" },
      el("h3", {}, "What if"),
      el("p", { class: "muted" }, "For the rest of the month, per market; empty fields keep today's pace. "
        + "Size per side and spread go together."),
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "market"), ...FIELDS.map((f) => el("th", {}, f.label)),
          el("th", {}, "reward now"), el("th", {}, "projected"))),
        this.tbody,
        el("tfoot", {}, el("tr", {}, el("th", { colspan: FIELDS.length + 1 }, "total"),
          el("th", { class: "num" }, this.currentTotal), el("th", { class: "num" }, this.projectedTotal)))),
      el("div", { class: "actions" }, this.button, this.result));
  }

  // The current standing: rows are built once (so typed plans survive refreshes).
  setCurrent(s: Standing): void {
    fill(this.currentTotal, usd(s.total_reward_usd));
    for (const m of s.markets) fill(this.row(m.symbol).current, ...rewardCell(m));
  }

  private row(symbol: string): Row {
    const known = this.rows.get(symbol);
    if (known) return known;
    const inputs = new Map(FIELDS.map((f) => [f.key, el("input", {
      type: "number", min: 0, max: f.max, step: "any", "data-field": f.key, "aria-label": `${symbol} ${f.label}`,
    })] as const));
    const row: Row = { inputs, current: num(), projected: num() };
    this.tbody.append(el("tr", { "data-market": symbol }, td(symbol),
      ...[...inputs.values()].map((input) => td(input)), row.current, row.projected));
    this.rows.set(symbol, row);
    return row;
  }

  // Only filled-in fields are sent (an empty plan is the plain projection); the API
  // checks the rest and its error is shown as it says it.
  private plan(): Record<string, MarketPlan> | string {
    const markets: Record<string, MarketPlan> = {};
    for (const [symbol, row] of this.rows) {
      const plan: MarketPlan = {};
      for (const [key, input] of row.inputs) {
        if (input.validity.badInput) return `${symbol}: ${key} is not a number`;
        if (input.value.trim() !== "") plan[key] = input.valueAsNumber;
      }
      if (Object.keys(plan).length) markets[symbol] = plan;
    }
    return markets;
  }

  private async project(): Promise<void> {
    const markets = this.plan();
    if (typeof markets === "string") return this.fail(markets);
    this.button.disabled = true;
    fill(this.result, "Projecting…");
    try {
      const answer = await this.api.post<WhatIf>(`/v1/mms/${encodeURIComponent(this.mmId)}/whatif`,
        Object.keys(markets).length ? { markets } : {});
      this.show(answer);
    } catch (e) {
      this.fail(e instanceof ApiError && e.failure.kind === "error" ? e.failure.message : (e as Error).message);
    } finally {
      this.button.disabled = false;
    }
  }

  private show(w: WhatIf): void {
    fill(this.projectedTotal, usd(w.standing.total_reward_usd));
    for (const m of w.standing.markets) fill(this.row(m.symbol).projected, ...rewardCell(m));
    this.result.className = "whatif-result";
    fill(this.result, `Projected to the month end: ${plain(w.snapshots_remaining)} snapshots to go, `
      + `${w.planned_markets} market${w.planned_markets === 1 ? "" : "s"} planned; minimum allocation `,
      w.standing.meets_min_allocation ? badge("met", "ok") : badge("not met", "bad"), ".");
  }

  private fail(message: string): void {
    fill(this.projectedTotal, "–");
    for (const row of this.rows.values()) fill(row.projected);
    this.result.className = "whatif-result whatif-error";
    fill(this.result, message);
  }
}

function rewardCell(m: StandingMarket): (string | HTMLElement)[] {
  return [usd(m.reward_usd), " ", m.eligible ? badge("eligible", "ok") : badge("not eligible", "bad")];
}
