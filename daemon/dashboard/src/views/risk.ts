// "Risk" (ops and risk): per-market small-multiple charts, MM x market heat maps of
// uptime (snapshot uptime, and dense uptime where the rows carry it: SCORING.md section
// 16) and the flags table (flicker, self trades, cross-MM trades). All from the stream's
// `markets` rows, which ops and risk get whole.
import { ChartGroup, MARKET_CHARTS } from "../charts";
import { badge, el, fill, pct, table, td, usd } from "../dom";
import type { Market, MarketMmRow, Update } from "../types";
import type { View } from "../view";

// 0 red, 0.5 amber, 1 green: the cell's background.
const heat = (v: number): string => `hsl(${Math.round(Math.max(0, Math.min(1, v)) * 120)}, 70%, ${v >= 0.999 ? 78 : 85}%)`;

const usdNumber = (v: number | string | null | undefined): number | null => {
  if (v == null || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

type Metric = "uptime" | "dense_uptime";

export class RiskView implements View {
  readonly id = "risk";
  readonly title = "Risk";
  readonly root: HTMLElement;
  readonly charts = new ChartGroup([], MARKET_CHARTS);
  private readonly uptime = el("div", { "data-heatmap": "uptime" }, el("p", { class: "empty" }, "Waiting for the first update…"));
  private readonly dense = el("div", { "data-heatmap": "dense_uptime" });
  private readonly flags = el("div", { "data-flags": "" });

  constructor() {
    this.root = el("div", { class: "view", "data-view": this.id },
      el("h2", {}, "Risk: uptime and integrity screens"),
      el("h3", {}, "Uptime per MM and market (snapshots)"), this.uptime,
      el("h3", {}, "Dense uptime per MM and market"), this.dense,
      el("h3", {}, "Flags"),
      el("p", { class: "muted" }, "Entries with flicker (snapshot uptime above dense uptime plus the margin), "
        + "self-trade volume or cross-MM trade volume."), this.flags,
      el("h3", {}, "Per market over time (UTC)"), this.charts.root);
  }

  private latest: Update | null = null;

  update(update: Update): void {
    this.charts.update(update); // the charts keep their history while hidden
    this.latest = update;
    if (!this.root.hidden) this.render(update); // 200 x 50 cells: only when seen
  }

  shown(): void {
    if (this.latest) this.render(this.latest);
  }

  private render(update: Update): void {
    const mms = mmIds(update.markets);
    const byMarket = update.markets.map((m) => new Map(m.mms.map((r) => [r.mm_id, r])));
    fill(this.uptime, heatMap(update, byMarket, mms, "uptime"));
    const hasDense = update.markets.some((m) => m.mms.some((r) => "dense_uptime" in r));
    fill(this.dense, hasDense ? heatMap(update, byMarket, mms, "dense_uptime")
      : el("p", { class: "empty" }, "This daemon's rows carry no dense uptime."));
    fill(this.flags, flagsTable(update.markets));
  }
}

function mmIds(markets: Market[]): string[] {
  const ids = new Set<string>();
  for (const m of markets) for (const r of m.mms) ids.add(r.mm_id);
  return [...ids];
}

function heatMap(update: Update, byMarket: Map<string, MarketMmRow>[], mms: string[], metric: Metric): HTMLElement {
  const markets = update.markets;
  const label = metric === "uptime" ? "uptime" : "dense uptime";
  const rows = mms.map((id) => el("tr", { "data-mm": id }, el("th", {}, id), ...markets.map((m, k) => {
    const r = byMarket[k].get(id);
    const v = r ? (r[metric] ?? null) : null;
    const title = `${id} on ${m.symbol}: ${label} ${pct(v)}` +
      (r && metric === "uptime" ? `, ${r.snapshots_active} active snapshots of ${m.snapshots_observed} observed` : "");
    const cell = el("td", {
      class: "heat num", "data-mm": id, "data-market": m.symbol, "data-value": v == null ? "" : String(v), title,
    }, pct(v, 0));
    if (v != null) cell.style.background = heat(v); // CSSOM: the CSP refuses style attributes
    return cell;
  })));
  return el("div", { class: "heatmap-wrap" }, el("table", { class: "heatmap", "data-as-of": update.as_of ?? "" },
    el("thead", {}, el("tr", {}, el("th", {}, "MM \\ market"), ...markets.map((m) => el("th", { class: "market" }, m.symbol)))),
    el("tbody", {}, ...rows)));
}

function flagsTable(markets: Market[]): HTMLElement {
  const rows: HTMLTableRowElement[] = [];
  for (const m of markets) {
    for (const r of m.mms) {
      const self = usdNumber(r.self_trade_volume_usd);
      const cross = usdNumber(r.cross_mm_trade_volume_usd);
      if (!(r.flicker === true || (self ?? 0) > 0 || (cross ?? 0) > 0)) continue;
      rows.push(flagRow(m, r, self, cross));
    }
  }
  return table(["MM", "market", "uptime", "dense uptime", "flicker", "self-trade volume", "cross-MM trade volume"], rows,
    "No flags: no flicker, no self trades, no cross-MM trades.");
}

function flagRow(m: Market, r: MarketMmRow, self: number | null, cross: number | null): HTMLTableRowElement {
  return el("tr", { "data-mm": r.mm_id, "data-market": m.symbol },
    td(r.mm_id), td(m.symbol),
    el("td", { class: "num" }, pct(r.uptime, 1)),
    el("td", { class: "num" }, pct(r.dense_uptime, 1)),
    td(r.flicker == null ? "–" : r.flicker ? badge("flicker", "bad") : "no"),
    el("td", { class: "num" }, usd(self)),
    el("td", { class: "num" }, usd(cross)));
}
