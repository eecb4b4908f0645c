// Time charts (uPlot): one line per MM or per market, seeded from GET /v1/history and
// extended by each stream update. History and updates use the same field names
// (total_reward_usd, volume_share, ... for MMs; spread_bps, ... for markets), so one
// `value(row)` function reads both.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { el } from "./dom";
import type { History, Update } from "./types";

type Row = Record<string, unknown>;

export interface ChartSpec {
  title: string;
  source: "mm" | "market"; // one line per MM id, or per market symbol
  value(row: Row): number | null;
  format(v: number): string;
}

// A day at the history's 10 s plus a margin of live points; older points are dropped so
// a page left open for weeks stays light.
const MAX_POINTS = 10_000;
const HEIGHT = 180;
const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#b83280", "#6b46c1", "#b7791f", "#319795", "#c53030", "#4a5568"];

export class TimeChart {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private plot: uPlot | null = null;
  private ids: string[] = [];
  private xs: number[] = []; // unix seconds (uPlot's time unit)
  private ys: (number | null)[][] = []; // per id, aligned with xs

  constructor(private readonly spec: ChartSpec) {
    this.body = el("div", { class: "chart-body" });
    this.root = el("figure", { class: "chart", "data-chart": spec.title, "data-points": 0 },
      el("figcaption", {}, spec.title), this.body);
    // Drawn once the figure has a width (it may be created before it is in the page),
    // and resized with it.
    new ResizeObserver(() => this.layout()).observe(this.body);
  }

  get points(): number {
    return this.xs.length;
  }

  get lastTime(): number | null {
    return this.xs.length ? this.xs[this.xs.length - 1] : null;
  }

  // Replaces everything with the history.
  seed(history: History): void {
    this.ids = [];
    this.xs = [];
    this.ys = [];
    this.merge(history);
  }

  // Appends the history's points later than the last one held (after a reconnect).
  merge(history: History): void {
    const entries = this.spec.source === "mm"
      ? history.mms.map((m) => ({ id: m.mm_id, columns: m as Row }))
      : history.markets.map((m) => ({ id: m.symbol, columns: m as Row }));
    history.t_ms.forEach((t, i) => {
      const rows = entries.map(({ id, columns }) => {
        const row: Row = {};
        for (const [key, column] of Object.entries(columns)) row[key] = Array.isArray(column) ? column[i] : column;
        return { id, row };
      });
      this.push(t / 1000, rows);
    });
    this.redraw();
  }

  update(update: Update): void {
    const rows = this.spec.source === "mm"
      ? update.mms.map((m) => ({ id: m.mm_id, row: m as unknown as Row }))
      : update.markets.map((m) => ({ id: m.symbol, row: m as unknown as Row }));
    this.push(Date.parse(update.published_at) / 1000, rows);
    this.redraw();
  }

  private push(t: number, rows: { id: string; row: Row }[]): void {
    if (!Number.isFinite(t) || (this.xs.length && t <= this.xs[this.xs.length - 1])) return;
    for (const { id } of rows) {
      if (!this.ids.includes(id)) {
        this.ids.push(id);
        this.ys.push(this.xs.map(() => null));
        this.destroyPlot(); // a new line: rebuilt with its series on the next draw
      }
    }
    this.xs.push(t);
    this.ys.forEach((column, k) => {
      const found = rows.find((r) => r.id === this.ids[k]);
      const v = found ? this.spec.value(found.row) : null;
      column.push(v == null || !Number.isFinite(v) ? null : v);
    });
    if (this.xs.length > MAX_POINTS) {
      const drop = this.xs.length - MAX_POINTS;
      this.xs.splice(0, drop);
      for (const column of this.ys) column.splice(0, drop);
    }
  }

  private redraw(): void {
    this.root.dataset.points = String(this.xs.length);
    if (this.plot) this.plot.setData([this.xs, ...this.ys]);
    else this.layout();
  }

  private layout(): void {
    const width = this.body.clientWidth;
    if (width <= 0 || this.ids.length === 0) return;
    if (!this.plot) this.plot = this.create(width);
    else if (this.plot.width !== width) this.plot.setSize({ width, height: HEIGHT });
  }

  private create(width: number): uPlot {
    const format = (v: number | null) => (v == null ? "–" : this.spec.format(v));
    const options: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      series: [
        {},
        ...this.ids.map((id, k) => ({
          label: id,
          stroke: PALETTE[k % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => format(v),
        })),
      ],
      axes: [{}, { size: 70, values: (_u: uPlot, splits: number[]) => splits.map((v) => format(v)) }],
    };
    return new uPlot(options, [this.xs, ...this.ys], this.body);
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}

// The four MM charts every view shows (one line per MM the token may see).
export const MM_CHARTS: ChartSpec[] = [
  { title: "Projected reward (USD)", source: "mm", value: (r) => r.total_reward_usd as number | null,
    format: (v) => `$${v.toLocaleString("en-US", { maximumFractionDigits: 0 })}` },
  { title: "Volume share", source: "mm", value: (r) => r.volume_share as number | null,
    format: (v) => `${(v * 100).toFixed(2)}%` },
  { title: "Uptime", source: "mm", value: (r) => r.uptime as number | null,
    format: (v) => `${(v * 100).toFixed(1)}%` },
  { title: "Average spread (bps)", source: "mm", value: (r) => r.avg_spread_bps as number | null,
    format: (v) => v.toFixed(1) },
];

// Market-level charts for the markets view.
export const MARKET_CHARTS: ChartSpec[] = [
  { title: "Market spread (bps)", source: "market", value: (r) => r.spread_bps as number | null,
    format: (v) => v.toFixed(1) },
  { title: "In-band depth, bid + ask (USD)", source: "market",
    value: (r) => (r.bid_depth_usd == null || r.ask_depth_usd == null
      ? null : (r.bid_depth_usd as number) + (r.ask_depth_usd as number)),
    format: (v) => `$${v.toLocaleString("en-US", { maximumFractionDigits: 0 })}` },
  { title: "Active MMs", source: "market", value: (r) => r.active_mms as number | null,
    format: (v) => v.toFixed(0) },
];

// A group of charts fed together.
export class ChartGroup {
  readonly charts: TimeChart[];
  readonly root: HTMLElement;

  constructor(specs: ChartSpec[]) {
    this.charts = specs.map((s) => new TimeChart(s));
    this.root = el("section", { class: "charts" }, ...this.charts.map((c) => c.root));
  }

  seed(history: History): void { this.charts.forEach((c) => c.seed(history)); }
  merge(history: History): void { this.charts.forEach((c) => c.merge(history)); }
  update(update: Update): void { this.charts.forEach((c) => c.update(update)); }

  // The time of the newest point held, in unix ms (for /v1/history?since=).
  get lastTimeMs(): number | null {
    const t = this.charts[0]?.lastTime;
    return t == null ? null : Math.floor(t * 1000);
  }
}
