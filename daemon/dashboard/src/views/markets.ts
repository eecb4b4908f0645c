// "Markets liquidity" (the risk view): the book at the last snapshot per market, its
// snapshot counts, and the per-MM rows the token may see (all for ops and risk, only
// its own for an MM). Everything comes from the stream's `markets`; for ops and risk
// each MM row also has its uptime strip (the last 120 snapshots, GET
// /v1/mms/<id>/snapshots?market=S), loaded only for the markets on screen.
import { ChartGroup, MARKET_CHARTS, MM_CHARTS } from "../charts";
import { badge, bps, el, fill, num, pct, plain, table, td, usd, yesNo } from "../dom";
import { DetailBox, EvidenceStore, STRIP_CELLS, Strip } from "../strip";
import type { Market, Update } from "../types";
import type { Api, View } from "../view";
import { downloadButton } from "./download";
import { activeOnly } from "./standing";
import { stripLegend } from "./strips";

const STRIP_REFRESH_MS = 10_000;

// Per market: its MM rows' block (kept across re-renders), strips and detail box.
interface MarketStrips {
  block: HTMLElement;
  detail: DetailBox;
  strips: Map<string, { store: EvidenceStore; strip: Strip }>;
  visible: boolean;
  last: number;
}

export class MarketsView implements View {
  readonly id = "markets";
  readonly title = "Markets";
  readonly root: HTMLElement;
  readonly charts = new ChartGroup(MM_CHARTS, MARKET_CHARTS);
  private readonly body = el("div", {}, el("p", { class: "empty" }, "Waiting for the first update…"));
  private readonly markets = new Map<string, MarketStrips>();
  private readonly observer: IntersectionObserver | null;

  // `api` for the roles that may read the report and every MM's evidence (ops, risk):
  // the report's CSV download and the uptime strips.
  constructor(private readonly api: Api | null = null) {
    this.observer = api ? new IntersectionObserver((entries) => {
      for (const e of entries) {
        const symbol = (e.target as HTMLElement).dataset.block;
        const m = symbol ? this.markets.get(symbol) : undefined;
        if (m) m.visible = e.isIntersecting;
      }
    }) : null;
    this.root = el("div", { class: "view", "data-view": this.id },
      el("h2", {}, "Markets liquidity"),
      api ? el("div", { class: "actions" },
        downloadButton(api, "Download report (CSV)", "/v1/report?format=csv", "report.csv")) : null,
      api ? stripLegend() : null,
      this.body, el("h3", {}, "Over time (UTC)"), this.charts.root);
  }

  update(update: Update): void {
    this.charts.update(update);
    fill(this.body, this.marketsTable(update.markets));
    if (!this.api || this.root.hidden) return;
    const now = Date.now();
    for (const m of this.markets.values()) {
      if (!m.visible || now - m.last < STRIP_REFRESH_MS) continue;
      m.last = now;
      for (const { store } of m.strips.values()) void store.refresh(update.month, update.as_of);
    }
  }

  shown(): void {
    for (const m of this.markets.values()) m.last = 0; // fresh strips on the next update
  }

  private marketsTable(markets: Market[]): HTMLElement {
    const rows: HTMLTableRowElement[] = [];
    for (const m of markets) {
      rows.push(el("tr", { class: "market-row", "data-market": m.symbol },
        td(el("strong", {}, m.symbol), " ", el("span", { class: "muted" }, m.category,
          m.reward_tier == null ? "" : ` tier ${m.reward_tier}`)),
        td(m.book_in_sync ? badge("in sync", "ok") : badge("out of sync", "warn"),
          m.trades_missing ? " " : null,
          m.trades_missing ? badge(`${plain(m.trades_missing)} trades missing`, "warn") : null),
        num(plain(m.mid, priceDigits(m.mid))),
        num(bps(m.spread_bps)),
        num(usd(m.bid_depth_usd)),
        num(usd(m.ask_depth_usd)),
        num(plain(m.active_mms)),
        num(plain(m.snapshots_observed)),
        num(plain(m.snapshots_unobserved)),
        num(usd(m.program_maker_volume_usd)),
        num(usd(m.pair_pool_usd)),
      ));
      if (m.mms.length) rows.push(el("tr", { class: "mm-rows" }, el("td", { colspan: 11 }, this.mmBlock(m))));
    }
    return table(
      ["market", "book", "mid", "spread", "bid depth (in band)", "ask depth (in band)", "active MMs",
        "observed snapshots", "unobserved snapshots", "program maker volume", "pool"],
      rows,
      "No markets yet.",
    );
  }

  private mmBlock(m: Market): HTMLElement {
    const strips = this.api ? this.stripsOf(m) : null;
    const block = strips?.block ?? el("div", {});
    const headers = ["MM", "quoting now", "uptime", "avg spread", "avg size", "maker volume", "volume score", "eligible",
      "reward"];
    if (strips) headers.push(`last ${STRIP_CELLS} snapshots`);
    fill(block, table(headers,
      m.mms.map((r) => el("tr", { "data-mm": r.mm_id },
        td(r.mm_id),
        td(yesNo(r.active_now)),
        num(pct(r.uptime, 1)),
        num(activeOnly(r, bps(r.avg_spread_bps))),
        num(activeOnly(r, usd(r.avg_size_usd))),
        num(usd(r.maker_volume_usd)),
        num(pct(r.volume_score, 3)),
        td(r.eligible ? badge("yes", "ok") : badge("no", "bad")),
        num(usd(r.reward_usd)),
        strips ? td(this.stripFor(strips, r.mm_id, m.symbol)) : null,
      )),
      "No MM rows."), strips?.detail.root);
    return block;
  }

  private stripsOf(m: Market): MarketStrips {
    let s = this.markets.get(m.symbol);
    if (!s) {
      s = { block: el("div", { "data-block": m.symbol }), detail: new DetailBox(), strips: new Map(), visible: false,
        last: 0 };
      this.markets.set(m.symbol, s);
      this.observer?.observe(s.block);
    }
    return s;
  }

  private stripFor(s: MarketStrips, mmId: string, symbol: string): HTMLElement {
    let entry = s.strips.get(mmId);
    if (!entry) {
      const store = new EvidenceStore(this.api!, mmId, symbol);
      entry = { store, strip: new Strip(store, symbol, s.detail) };
      s.strips.set(mmId, entry);
      s.last = 0;
    }
    return entry.strip.root;
  }
}

// Enough decimals for both BTC (97,219.85) and kPEPE (0.009812).
const priceDigits = (p: number | null): number => (p == null || p >= 1000 ? 2 : p >= 1 ? 4 : 6);
