// "Markets liquidity" (the risk view): the book at the last snapshot per market, its
// snapshot counts, and the per-MM rows the token may see (all for ops and risk, only
// its own for an MM). Everything comes from the stream's `markets`.
import { ChartGroup, MARKET_CHARTS, MM_CHARTS } from "../charts";
import { badge, bps, el, fill, num, pct, plain, table, td, usd, yesNo } from "../dom";
import type { Market, Update } from "../types";
import type { Api, View } from "../view";
import { downloadButton } from "./download";
import { activeOnly } from "./standing";

export class MarketsView implements View {
  readonly id = "markets";
  readonly title = "Markets";
  readonly root: HTMLElement;
  readonly charts = new ChartGroup([...MARKET_CHARTS, ...MM_CHARTS]);
  private readonly body = el("div", {}, el("p", { class: "empty" }, "Waiting for the first update…"));

  // `reportApi` for the roles that may read the report (ops, risk): its CSV download.
  constructor(reportApi: Api | null = null) {
    this.root = el("div", { class: "view", "data-view": this.id },
      el("h2", {}, "Markets liquidity"),
      reportApi ? el("div", { class: "actions" },
        downloadButton(reportApi, "Download report (CSV)", "/v1/report?format=csv", "report.csv")) : null,
      this.body, el("h3", {}, "Over time"), this.charts.root);
  }

  update(update: Update): void {
    this.charts.update(update);
    fill(this.body, marketsTable(update.markets));
  }

  shown(): void {}
}

function marketsTable(markets: Market[]): HTMLElement {
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
    if (m.mms.length) rows.push(el("tr", { class: "mm-rows" }, el("td", { colspan: 11 }, mmRows(m))));
  }
  return table(
    ["market", "book", "mid", "spread", "bid depth (in band)", "ask depth (in band)", "active MMs",
      "observed snapshots", "unobserved snapshots", "program maker volume", "pool"],
    rows,
    "No markets yet.",
  );
}

// Enough decimals for both BTC (97,219.85) and kPEPE (0.009812).
const priceDigits = (p: number | null): number => (p == null || p >= 1000 ? 2 : p >= 1 ? 4 : 6);

function mmRows(m: Market): HTMLElement {
  return table(
    ["MM", "quoting now", "uptime", "avg spread", "avg size", "maker volume", "volume score", "eligible", "reward"],
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
    )),
    "No MM rows.",
  );
}
