// Time charts (uPlot): one line per MM or per market, seeded from GET /v1/history and
// extended by each stream update. History and updates use the same field names
// (total_reward_usd, volume_share, ... for MMs; spread_bps, ... for markets), so one
// `value(row)` function reads both.
//
// Time axes are in UTC (labelled so). Gaps are drawn as gaps: the history's null rows
// (the daemon was down), null values (a market unobserved), and, for live points, more
// than two history intervals without an update. Live updates (every second) refine the
// newest point of the current history interval instead of adding one each, and when a
// chart holds more than MAX_POINTS, the older half is merged pairwise, so a page left
// open for the month stays light and still spans it. Market charts are small multiples:
// one small chart per market, for the metric picked above them.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { el, fill, utcDate } from "./dom";
import type { History, Update } from "./types";

type Row = Record<string, unknown>;
export type Unit = "usd" | "pct" | "bps" | "count";

export interface ChartSpec {
  title: string;
  source: "mm" | "market"; // one line per MM id, or per market symbol
  unit: Unit;
  value(row: Row): number | null;
  // The axis always spans 0..1 (uptime); otherwise it fits the data, from 0 for the
  // quantities that cannot be negative.
  unitRange?: boolean;
}

const MAX_POINTS = 12_000;
const HEIGHT = 180;
const SMALL_HEIGHT = 130;
const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#b83280", "#6b46c1", "#b7791f", "#319795", "#c53030", "#4a5568"];
const DEFAULT_INTERVAL_S = 10;

// ---- formatting ----------------------------------------------------------------------

const two = (n: number) => String(n).padStart(2, "0");
// "2026-12-01 21:44:10 UTC": the legend's time.
const utcText = (seconds: number): string => utcDate(new Date(seconds * 1000));

// X tick labels: time of day (seconds only when ticks are under a minute apart), and on
// a second line the date where it changes (and on the first tick).
function xLabels(splits: number[], incr: number): string[] {
  let lastDay = "";
  return splits.map((v) => {
    const d = new Date(v * 1000);
    const day = `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    const clock = incr >= 86_400 ? "" : incr < 60
      ? `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
      : `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
    const showDay = day !== lastDay;
    lastDay = day;
    if (!clock) return day;
    return showDay ? `${clock}\n${day}` : clock;
  });
}

// Enough decimals to tell ticks `incr` apart (in the shown unit), none more.
const decimalsFor = (incr: number): number =>
  !(incr > 0) || !Number.isFinite(incr) ? 2 : Math.min(6, Math.max(0, Math.ceil(-Math.log10(incr) - 1e-9)));

function formatValue(unit: Unit, v: number, decimals: number): string {
  const fixed = (x: number, d: number) =>
    x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  switch (unit) {
    case "usd": return `$${fixed(v, decimals)}`;
    case "pct": return `${fixed(v * 100, decimals)}%`;
    case "bps": return fixed(v, decimals);
    case "count": return fixed(v, 0);
  }
}

// Axis labels: decimals from the tick step, and no label twice in a row.
export function yLabels(unit: Unit, splits: number[], incr: number): string[] {
  const decimals = decimalsFor(unit === "pct" ? incr * 100 : incr);
  let last = "";
  return splits.map((v) => {
    const text = formatValue(unit, v, decimals);
    if (text === last) return "";
    last = text;
    return text;
  });
}

// The legend's value: a sensible fixed precision per unit.
export function legendValue(unit: Unit, v: number | null): string {
  if (v == null) return "–";
  return formatValue(unit, v, unit === "usd" ? (Math.abs(v) >= 100 ? 0 : 2) : unit === "pct" ? 2 : unit === "bps" ? 2 : 0);
}

// The y range: flat data (all zero, say) gets a small span of its own instead of uPlot's
// 0..100 (which a percentage axis would show as 10000%).
export function yRange(spec: ChartSpec, min: number | null, max: number | null): [number, number] {
  if (spec.unitRange) return [0, 1];
  const floor0 = spec.unit !== "bps" || (min ?? 0) >= 0;
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max))
    return [0, spec.unit === "pct" ? 0.01 : 1];
  let lo = floor0 ? Math.min(0, min) : min;
  let hi = max;
  if (hi - lo <= Math.abs(hi) * 1e-9) {
    const pad = hi !== 0 ? Math.abs(hi) * 0.1 : spec.unit === "pct" ? 0.01 : 1;
    hi += pad;
    if (!floor0 || lo - pad >= 0) lo -= pad;
  } else {
    const pad = (hi - lo) * 0.05;
    hi += pad;
    if (!floor0) lo -= pad;
  }
  if (spec.unit === "count") hi = Math.max(1, Math.ceil(hi));
  return [lo, hi];
}

// ---- one chart -----------------------------------------------------------------------

export interface ChartOptions {
  only?: string; // just this MM id / market symbol (a small multiple)
  caption?: string;
  small?: boolean;
  syncKey?: string; // cursors move together across charts with the same key
}

export class TimeChart {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private plot: uPlot | null = null;
  private ids: string[] = [];
  private xs: number[] = []; // unix seconds (uPlot's time unit)
  private ys: (number | null)[][] = []; // per id, aligned with xs
  private lastLive = false; // the newest point came from an update (refined in place)
  private intervalS = DEFAULT_INTERVAL_S;

  constructor(private readonly spec: ChartSpec, private readonly options: ChartOptions = {}) {
    this.body = el("div", { class: "chart-body" });
    this.root = el("figure", {
      class: options.small ? "chart small" : "chart", "data-chart": spec.title, "data-points": 0,
      "data-id": options.only,
    }, el("figcaption", {}, options.caption ?? spec.title), this.body);
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
    this.lastLive = false;
    this.destroyPlot();
    this.merge(history);
  }

  // Appends the history's points later than the last one held (after a reconnect).
  merge(history: History): void {
    if (history.interval_ms > 0) this.intervalS = history.interval_ms / 1000;
    const entries = (this.spec.source === "mm"
      ? history.mms.map((m) => ({ id: m.mm_id, columns: m as Row }))
      : history.markets.map((m) => ({ id: m.symbol, columns: m as Row })))
      .filter((e) => this.options.only == null || e.id === this.options.only);
    history.t_ms.forEach((t, i) => {
      const rows = entries.map(({ id, columns }) => {
        const row: Row = {};
        for (const [key, column] of Object.entries(columns)) row[key] = Array.isArray(column) ? column[i] : column;
        return { id, row };
      });
      this.push(t / 1000, rows, false);
    });
    this.redraw();
  }

  update(update: Update): void {
    const rows = (this.spec.source === "mm"
      ? update.mms.map((m) => ({ id: m.mm_id, row: m as unknown as Row }))
      : update.markets.map((m) => ({ id: m.symbol, row: m as unknown as Row })))
      .filter((e) => this.options.only == null || e.id === this.options.only);
    this.push(Date.parse(update.published_at) / 1000, rows, true);
    this.redraw();
  }

  private push(t: number, rows: { id: string; row: Row }[], live: boolean): void {
    const n = this.xs.length;
    if (!Number.isFinite(t) || (n && t <= this.xs[n - 1])) return;
    for (const { id } of rows) {
      if (!this.ids.includes(id)) {
        this.ids.push(id);
        this.ys.push(this.xs.map(() => null));
        this.destroyPlot(); // a new line: rebuilt with its series on the next draw
      }
    }
    const values = this.ys.map((_, k) => {
      const found = rows.find((r) => r.id === this.ids[k]);
      const v = found ? this.spec.value(found.row) : null;
      return v == null || !Number.isFinite(v) ? null : v;
    });
    if (live && n) {
      const last = this.xs[n - 1];
      const bucket = (x: number) => Math.floor(x / this.intervalS);
      if (this.lastLive && bucket(t) === bucket(last)) { // the same interval: refine its point
        this.xs[n - 1] = t;
        this.ys.forEach((column, k) => (column[n - 1] = values[k]));
        return;
      }
      if (t - last > 2 * this.intervalS) this.append(last + this.intervalS, values.map(() => null)); // an outage
    }
    this.append(t, values);
    this.lastLive = live;
  }

  private append(t: number, values: (number | null)[]): void {
    this.xs.push(t);
    this.ys.forEach((column, k) => column.push(values[k]));
    if (this.xs.length > MAX_POINTS) this.halveOlder();
  }

  // The older half, pairwise: the first time, the mean of the non-null values; a pair
  // with a gap row (every line null: an outage) stays a gap, so the outage still shows.
  private halveOlder(): void {
    const half = Math.floor(this.xs.length / 2) & ~1;
    const gap = (i: number) => this.ys.length > 0 && this.ys.every((c) => c[i] == null);
    const gapPair: boolean[] = [];
    const xs: number[] = [];
    for (let i = 0; i < half; i += 2) {
      xs.push(this.xs[i]);
      gapPair.push(gap(i) || gap(i + 1));
    }
    this.xs.splice(0, half, ...xs);
    for (const column of this.ys) {
      const merged: (number | null)[] = [];
      for (let i = 0; i < half; i += 2) {
        const a = column[i], b = column[i + 1];
        merged.push(gapPair[i / 2] ? null : a == null ? b : b == null ? a : (a + b) / 2);
      }
      column.splice(0, half, ...merged);
    }
  }

  private redraw(): void {
    const d = this.root.dataset;
    d.points = String(this.xs.length);
    d.firstT = this.xs.length ? String(Math.round(this.xs[0] * 1000)) : "";
    d.lastT = this.xs.length ? String(Math.round(this.xs[this.xs.length - 1] * 1000)) : "";
    // Rows where every line is null: the outages drawn as gaps.
    d.gaps = String(this.xs.filter((_, i) => this.ys.length > 0 && this.ys.every((c) => c[i] == null)).length);
    if (this.plot) this.plot.setData([this.xs, ...this.ys]);
    else this.layout();
  }

  private layout(): void {
    const width = this.body.clientWidth;
    if (width <= 0 || this.ids.length === 0) return;
    const height = this.options.small ? SMALL_HEIGHT : HEIGHT;
    if (!this.plot) this.plot = this.create(width, height);
    else if (this.plot.width !== width) this.plot.setSize({ width, height });
  }

  private create(width: number, height: number): uPlot {
    const unit = this.spec.unit;
    const options: uPlot.Options = {
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      legend: { live: true, show: !this.options.small || this.ids.length > 1 },
      cursor: { drag: { x: true, y: false }, sync: this.options.syncKey ? { key: this.options.syncKey } : undefined },
      scales: {
        x: { time: true },
        y: { range: (_u: uPlot, min: number, max: number) => yRange(this.spec, min, max) },
      },
      series: [
        { label: "UTC", value: (_u: uPlot, v: number | null) => (v == null ? "–" : utcText(v)) },
        ...this.ids.map((id, k) => ({
          label: id,
          stroke: PALETTE[k % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => legendValue(unit, v),
        })),
      ],
      axes: [
        { label: "time (UTC)", labelSize: 16, space: 64, size: 44,
          values: (_u: uPlot, splits: number[], _a: number, _s: number, incr: number) => xLabels(splits, incr) },
        { size: 72, space: 28,
          incrs: unit === "count" ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] : undefined,
          values: (_u: uPlot, splits: number[], _a: number, _s: number, incr: number) => yLabels(unit, splits, incr) },
      ],
    };
    return new uPlot(options, [this.xs, ...this.ys], this.body);
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}

// ---- the chart definitions -----------------------------------------------------------

// The four MM charts every view shows (one line per MM the token may see).
export const MM_CHARTS: ChartSpec[] = [
  { title: "Projected reward (USD)", source: "mm", unit: "usd", value: (r) => r.total_reward_usd as number | null },
  { title: "Volume share", source: "mm", unit: "pct", value: (r) => r.volume_share as number | null },
  { title: "Uptime", source: "mm", unit: "pct", unitRange: true, value: (r) => r.uptime as number | null },
  { title: "Average spread (bps)", source: "mm", unit: "bps", value: (r) => r.avg_spread_bps as number | null },
];

// An unobserved market has no book: null (a gap), never a spread or a depth of 0.
const seen = (r: Row, v: number | null): number | null => (r.observed === false ? null : v);

// Market-level metrics, one small chart per market.
export const MARKET_CHARTS: ChartSpec[] = [
  { title: "In-band depth, bid + ask (USD)", source: "market", unit: "usd",
    value: (r) => seen(r, r.bid_depth_usd == null || r.ask_depth_usd == null
      ? null : (r.bid_depth_usd as number) + (r.ask_depth_usd as number)) },
  { title: "Market spread (bps)", source: "market", unit: "bps", value: (r) => seen(r, r.spread_bps as number | null) },
  { title: "Active MMs", source: "market", unit: "count", value: (r) => seen(r, r.active_mms as number | null) },
];

// ---- groups --------------------------------------------------------------------------

// What a view's charts take: the history, its gaps filled after a reconnect, updates.
export interface Fed {
  readonly root: HTMLElement;
  seed(history: History): void;
  merge(history: History): void;
  update(update: Update): void;
  readonly lastTime: number | null;
}

// Small multiples: for the metric picked (buttons above), one small chart per market.
// Every metric's charts are fed all along, so switching shows them at once.
export class SmallMultiples implements Fed {
  readonly root: HTMLElement;
  private readonly grid = el("div", { class: "multiples" });
  private readonly charts = new Map<string, TimeChart[]>(); // per market, one per spec
  private readonly picker: HTMLElement;
  private picked = 0;
  private static groups = 0;
  private readonly syncKey = `markets-${SmallMultiples.groups++}`;

  constructor(private readonly specs: ChartSpec[]) {
    this.picker = el("div", { class: "picker", role: "group" });
    this.root = el("section", { class: "small-multiples", "data-multiples": "" },
      el("div", { class: "picker-row" }, el("span", { class: "muted" }, "Per market:"), this.picker), this.grid);
    this.renderPicker();
  }

  get lastTime(): number | null {
    const first = this.charts.values().next().value as TimeChart[] | undefined;
    return first?.[0].lastTime ?? null;
  }

  seed(history: History): void {
    this.ensure(history.markets.map((m) => m.symbol));
    this.all().forEach((c) => c.seed(history));
  }

  merge(history: History): void {
    this.ensure(history.markets.map((m) => m.symbol));
    this.all().forEach((c) => c.merge(history));
  }

  update(update: Update): void {
    this.ensure(update.markets.map((m) => m.symbol));
    this.all().forEach((c) => c.update(update));
  }

  private all(): TimeChart[] {
    return [...this.charts.values()].flat();
  }

  private ensure(symbols: string[]): void {
    let added = false;
    for (const symbol of symbols) {
      if (this.charts.has(symbol)) continue;
      this.charts.set(symbol, this.specs.map((spec) =>
        new TimeChart(spec, { only: symbol, caption: symbol, small: true, syncKey: this.syncKey })));
      added = true;
    }
    if (added) this.show();
  }

  private renderPicker(): void {
    fill(this.picker, ...this.specs.map((spec, k) => el("button", {
      type: "button", class: k === this.picked ? "pick active" : "pick", "data-metric": spec.title,
      onclick: () => {
        this.picked = k;
        this.renderPicker();
        this.show();
      },
    }, spec.title)));
  }

  private show(): void {
    fill(this.grid, ...[...this.charts.values()].map((charts) => charts[this.picked].root));
  }
}

// A group of charts fed together.
export class ChartGroup {
  readonly parts: Fed[];
  readonly root: HTMLElement;

  constructor(specs: ChartSpec[], multiples: ChartSpec[] = []) {
    this.parts = specs.map((s) => new TimeChart(s) as Fed);
    if (multiples.length) this.parts.push(new SmallMultiples(multiples));
    this.root = el("section", { class: "charts-group" },
      el("div", { class: "charts" }, ...this.parts.filter((p) => p instanceof TimeChart).map((p) => p.root)),
      ...this.parts.filter((p) => !(p instanceof TimeChart)).map((p) => p.root));
  }

  seed(history: History): void { this.parts.forEach((c) => c.seed(history)); }
  merge(history: History): void { this.parts.forEach((c) => c.merge(history)); }
  update(update: Update): void { this.parts.forEach((c) => c.update(update)); }

  // The time of the newest point held, in unix ms (for /v1/history?since=).
  get lastTimeMs(): number | null {
    const t = this.parts[0]?.lastTime;
    return t == null ? null : Math.floor(t * 1000);
  }
}
