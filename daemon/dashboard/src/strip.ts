// Uptime strips: per MM and market, one cell per snapshot of the last STRIP_CELLS, from
// the live evidence window (GET /v1/mms/<id>/snapshots, SCORING.md section 15): green
// active, amber observed but inactive, grey unobserved, hatched where the window has no
// row (the daemon was not running). The reason is in each cell's title; a click shows
// that snapshot's row in the strip's detail box.
//
// Fetching: a store per MM (all its markets) or per MM and market. The first request
// asks for the last 10 minutes, learns the snapshot interval from the rows and, if that
// is not enough for STRIP_CELLS snapshots, asks once more for as far back as needed (not
// before the month's start: the API answers within the month). Later requests ask only
// from the newest instant held, and rows are merged by interval index.
import { bps, el, fill, time, usd } from "./dom";
import type { EvidenceRow, EvidenceRows } from "./types";
import type { Api } from "./view";

export const STRIP_CELLS = 120;
const FIRST_WINDOW_S = 600;
const EVIDENCE_WINDOW_S = 86_400; // [api] evidence_window's default

const REASONS: Record<string, string> = {
  public_down: "public feed down",
  book_not_in_sync: "book not in sync",
  private_down: "MM's private stream down",
  orders_not_in_sync: "MM's orders not in sync",
  anomaly: "feed anomaly",
  no_bid_in_band: "no bid within the band",
  no_ask_in_band: "no ask within the band",
  below_min_side: "a side below the minimum size",
};
export const reasonText = (code: string | null): string => (code == null ? "–" : `${REASONS[code] ?? code.replaceAll("_", " ")} (${code})`);

export type CellState = "active" | "inactive" | "unobserved" | "none";
export const cellState = (r: EvidenceRow): CellState => (!r.observed ? "unobserved" : r.active ? "active" : "inactive");

function cellTitle(r: EvidenceRow): string {
  const when = `${time(r.instant)}, snapshot ${r.interval}`;
  if (!r.observed) return `${when}: unobserved: ${reasonText(r.unobserved_reason)}`;
  if (!r.active) return `${when}: inactive: ${reasonText(r.inactive_reason)}`;
  return `${when}: active, size ${money(r.size_usd)}, spread ${spread(r.spread_bps)}`;
}

// The API writes decimals as strings or numbers: shown as the rest of the page shows them.
const money = (v: number | string | null): string => usd(v == null ? null : Number(v));
const spread = (v: number | string | null): string => bps(v == null ? null : Number(v));

const monthStartS = (month: string): number | null => {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) / 1000 : null;
};

export class EvidenceStore {
  private rows = new Map<string, EvidenceRow[]>(); // per symbol, by interval, at most STRIP_CELLS
  private month: string | null = null;
  private newest: number | null = null; // newest instant held, unix s
  private busy = false;
  private listeners: (() => void)[] = [];
  error: string | null = null;
  loaded = false; // a first answer came (until then a strip says "loading", not "no snapshots")

  constructor(private readonly api: Api, readonly mmId: string, private readonly market: string | null = null) {}

  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  get(symbol: string): EvidenceRow[] {
    return this.rows.get(symbol) ?? [];
  }

  // Called with the stream's month and as_of (the engine's clock): fetches what is new.
  async refresh(month: string | null, asOf: string | null): Promise<void> {
    if (this.busy || !month || !asOf) return;
    const start = monthStartS(month);
    const now = Date.parse(asOf) / 1000;
    if (start == null || !Number.isFinite(now)) return;
    if (month !== this.month) { // a new month: its own window
      this.month = month;
      this.rows.clear();
      this.newest = null;
    }
    this.busy = true;
    try {
      if (this.newest == null) {
        await this.fetch(Math.max(start, Math.floor(now - FIRST_WINDOW_S)));
        // Under two rows in the first window (a long snapshot interval): the API's whole
        // evidence window (a day), which the month bound still cuts.
        const needed = this.secondsFor(STRIP_CELLS) ?? EVIDENCE_WINDOW_S;
        if (needed > FIRST_WINDOW_S && now - FIRST_WINDOW_S > start)
          await this.fetch(Math.max(start, Math.floor(now - needed)));
      } else {
        await this.fetch(Math.max(start, Math.floor(this.newest)));
      }
      this.error = null;
      this.loaded = true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e); // the strip stays as it was
    } finally {
      this.busy = false;
      this.listeners.forEach((f) => f());
    }
  }

  // How far back `cells` snapshots reach, from the spacing of the rows held.
  private secondsFor(cells: number): number | null {
    for (const rows of this.rows.values()) {
      if (rows.length < 2) continue;
      const a = rows[0], b = rows[rows.length - 1];
      const per = (Date.parse(b.instant) - Date.parse(a.instant)) / 1000 / Math.max(1, b.interval - a.interval);
      if (per > 0) return cells * per * 1.05 + 60;
    }
    return null;
  }

  private async fetch(from: number): Promise<void> {
    const query = new URLSearchParams({ from: String(from) });
    if (this.market) query.set("market", this.market);
    const answer = await this.api.get<EvidenceRows>(`/v1/mms/${encodeURIComponent(this.mmId)}/snapshots?${query}`);
    const fresh = new Map<string, EvidenceRow[]>();
    for (const r of answer.rows) {
      const list = fresh.get(r.symbol) ?? [];
      list.push(r);
      fresh.set(r.symbol, list);
      const t = Date.parse(r.instant) / 1000;
      if (this.newest == null || t > this.newest) this.newest = t;
    }
    for (const [symbol, list] of fresh) {
      const byInterval = new Map((this.rows.get(symbol) ?? []).map((r) => [r.interval, r]));
      for (const r of list) byInterval.set(r.interval, r);
      const merged = [...byInterval.values()].sort((a, b) => a.interval - b.interval);
      this.rows.set(symbol, merged.slice(-STRIP_CELLS));
    }
  }
}

// A strip for one MM and market, kept across re-renders of the table around it; the
// detail box it writes to is the caller's (one per strip group).
export class Strip {
  readonly root: HTMLElement;
  private selected: number | null = null;

  constructor(private readonly store: EvidenceStore, private readonly symbol: string,
    private readonly detail: DetailBox) {
    this.root = el("div", { class: "strip", "data-mm": store.mmId, "data-market": symbol, role: "list",
      "aria-label": `${store.mmId} ${symbol}: the last ${STRIP_CELLS} snapshots` });
    store.onChange(() => this.render());
    this.render();
  }

  render(): void {
    const rows = this.store.get(this.symbol);
    if (!rows.length) {
      const text = this.store.error ? `not loaded: ${this.store.error}` : this.store.loaded ? "no snapshots yet" : "loading…";
      fill(this.root, el("span", { class: "strip-empty muted" }, text));
      return;
    }
    // Intervals the window has no row for (the daemon was down) between the rows held.
    const cells: HTMLElement[] = [];
    const first = Math.max(rows[0].interval, rows[rows.length - 1].interval - STRIP_CELLS + 1);
    let k = 0;
    for (let interval = first; interval <= rows[rows.length - 1].interval; ++interval) {
      while (k < rows.length && rows[k].interval < interval) ++k;
      const r = rows[k]?.interval === interval ? rows[k] : null;
      const state: CellState = r ? cellState(r) : "none";
      const cell = el("span", {
        class: `cell ${state}${interval === this.selected ? " selected" : ""}`, role: "listitem",
        "data-interval": interval, "data-state": state,
        title: r ? cellTitle(r) : `snapshot ${interval}: no row (the daemon was not running)`,
      });
      if (r) cell.addEventListener("click", () => {
        this.selected = interval;
        this.root.querySelectorAll(".cell.selected").forEach((c) => c.classList.remove("selected"));
        cell.classList.add("selected");
        this.detail.show(this.store.mmId, r);
      });
      cells.push(cell);
    }
    const active = rows.filter((r) => r.active).length;
    const observed = rows.filter((r) => r.observed).length;
    fill(this.root, ...cells, el("span", { class: "strip-summary muted", "data-summary": "" },
      ` ${active} of ${observed} observed active`));
  }
}

// The fields of one evidence row, as the API gave them (data-value), shown readably.
export class DetailBox {
  readonly root = el("div", { class: "snapshot-detail", "data-snapshot-detail": "" },
    el("p", { class: "muted" }, "Click a snapshot cell for its evidence row."));

  show(mmId: string, r: EvidenceRow): void {
    const field = (name: string, raw: unknown, text: string) =>
      el("tr", {}, el("th", {}, name), el("td", { "data-field": name, "data-value": raw == null ? "" : String(raw) }, text));
    fill(this.root, el("table", { "data-interval": r.interval, "data-market": r.symbol, "data-mm": mmId },
      el("tbody", {},
        field("mm_id", mmId, mmId),
        field("symbol", r.symbol, r.symbol),
        field("interval", r.interval, String(r.interval)),
        field("instant", r.instant, `${r.instant} (${time(r.instant)})`),
        field("observed", r.observed, r.observed ? "yes" : "no"),
        field("unobserved_reason", r.unobserved_reason, reasonText(r.unobserved_reason)),
        field("size_usd", r.size_usd, money(r.size_usd)),
        field("spread_bps", r.spread_bps, spread(r.spread_bps)),
        field("active", r.active, r.active ? "yes" : "no"),
        field("inactive_reason", r.inactive_reason, reasonText(r.inactive_reason)),
      )));
  }
}
