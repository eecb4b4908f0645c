// "Whole program" (the ops view): every MM's standing, the pool and what is unallocated,
// feed health, the report as CSV, and for ops a button that writes a report snapshot
// (POST /v1/snapshots).
// Only shown for tokens that may read /v1/report (ops and risk).
import { ApiError } from "../api";
import { ChartGroup, MM_CHARTS } from "../charts";
import { badge, bps, el, fill, num, pct, plain, table, td, time, usd, yesNo } from "../dom";
import type { FeeTier, Health, MmSummary, Report, Standing, Update } from "../types";
import { Throttle, type Api, type View } from "../view";
import { downloadButton } from "./download";
import { standingSection } from "./standing";

export class ProgramView implements View {
  readonly id = "program";
  readonly title = "Program";
  readonly root: HTMLElement;
  readonly charts = new ChartGroup(MM_CHARTS);
  private readonly summary = el("div", { class: "cards" });
  private readonly health = el("div", {});
  private readonly mms = el("div", {}, el("p", { class: "empty" }, "Waiting for the first update…"));
  private readonly detail = el("div", {});
  private readonly detailBody = el("div", {}); // the standing, refreshed; the downloads above it stay
  private readonly snapshotResult = el("span", { class: "snapshot-result", role: "status" });
  private selected: string | null = null;
  private report: Report | null = null;
  private lastMms: MmSummary[] = [];
  // The pool and unallocated amounts are only in the report: refreshed every 10 s.
  private readonly reportRefresh = new Throttle(10_000, () => this.loadReport());
  private readonly detailRefresh = new Throttle(3000, () => this.loadDetail());

  constructor(private readonly api: Api, canSnapshot: boolean) {
    const snapshot = canSnapshot
      ? el("button", { type: "button", class: "snapshot", onclick: () => this.snapshot(snapshot!) },
        "Write report snapshot")
      : null;
    this.root = el("div", { class: "view", "data-view": this.id },
      el("h2", {}, "Whole program"),
      this.summary,
      el("div", { class: "actions" },
        downloadButton(api, "Download report (CSV)", "/v1/report?format=csv", "report.csv"),
        snapshot, snapshot ? this.snapshotResult : null),
      el("h3", {}, "Feed health"), this.health,
      el("h3", {}, "Market makers"),
      el("p", { class: "muted" }, "Select a row for that MM's full standing."),
      this.mms,
      this.detail,
      el("h3", {}, "Over time (UTC)"), this.charts.root);
  }

  update(update: Update): void {
    this.charts.update(update);
    this.lastMms = update.mms;
    fill(this.health, healthBlock(update.health));
    fill(this.mms, this.mmTable(update.mms));
    this.renderSummary();
    if (this.root.hidden) return; // no polling for a view nobody looks at
    this.reportRefresh.run();
    if (this.selected) this.detailRefresh.run();
  }

  shown(): void {
    this.reportRefresh.run(true);
  }

  private mmTable(mms: MmSummary[]): HTMLElement {
    return table(
      ["MM", "projected reward", "min allocation", "volume share", "uptime", "avg spread", "fee tier spot",
        "fee tier perp"],
      mms.map((m) => el("tr", {
        "data-mm": m.mm_id,
        class: `selectable${m.mm_id === this.selected ? " selected" : ""}`,
        onclick: () => this.select(m.mm_id),
      },
        td(m.mm_id),
        num(usd(m.total_reward_usd)),
        td(m.meets_min_allocation ? badge("met", "ok") : badge("not met", "bad")),
        num(pct(m.volume_share, 3)),
        num(pct(m.uptime, 1)),
        num(bps(m.avg_spread_bps)),
        td(tierText(m.fee_tiers.spot)),
        td(tierText(m.fee_tiers.perp)),
      )),
      "No market makers in this program.",
    );
  }

  private renderSummary(): void {
    const r = this.report;
    const allocated = this.lastMms.reduce((sum, m) => sum + m.total_reward_usd, 0);
    fill(this.summary,
      card("Pool", r ? usd(r.pool_usd) : "–", r ? `month ${r.month}${r.final ? " (final)" : ""}` : "loading"),
      card("Projected rewards", usd(allocated), `${this.lastMms.length} MMs`),
      card("Unallocated", r ? usd(r.unallocated_usd) : "–", r ? `as of ${time(r.as_of)}` : ""),
      card("Snapshots taken", r ? plain(r.snapshots_taken) : "–",
        r ? `${plain(r.input.records)} records, ${plain(r.input.rejected)} rejected` : ""),
    );
  }

  private async loadReport(): Promise<void> {
    try {
      this.report = await this.api.get<Report>("/v1/report");
    } catch {
      // The cards keep their last figures; the connection badge tells about outages.
    }
    this.renderSummary();
  }

  private select(mmId: string): void {
    this.selected = this.selected === mmId ? null : mmId;
    fill(this.mms, this.mmTable(this.lastMms));
    fill(this.detail);
    fill(this.detailBody);
    if (!this.selected) return;
    const path = `/v1/mms/${encodeURIComponent(mmId)}`;
    // Ops hands each MM its month-end statement (SCORING.md section 15): one click per MM.
    fill(this.detail, el("h3", {}, `Standing of ${mmId}`),
      el("div", { class: "actions", "data-mm-downloads": mmId },
        downloadButton(this.api, `Download ${mmId}'s standing (CSV)`, `${path}?format=csv`, `standing-${mmId}.csv`), " ",
        downloadButton(this.api, `Download ${mmId}'s last statement (CSV)`, `${path}/statement?format=csv`,
          `statement-${mmId}.csv`)),
      this.detailBody);
    this.detailRefresh.run(true);
  }

  private async loadDetail(): Promise<void> {
    const id = this.selected;
    if (!id) return;
    try {
      const standing = await this.api.get<Standing>(`/v1/mms/${encodeURIComponent(id)}`);
      if (this.selected === id) fill(this.detailBody, standingSection(standing));
    } catch (e) {
      if (this.selected === id) fill(this.detailBody, el("p", { class: "view-error" }, String((e as Error).message)));
    }
  }

  private async snapshot(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    fill(this.snapshotResult, "Writing…");
    try {
      const { path } = await this.api.post<{ path: string }>("/v1/snapshots");
      fill(this.snapshotResult, badge("written", "ok"), ` ${path}`);
    } catch (e) {
      const forbidden = e instanceof ApiError && e.failure.kind === "forbidden";
      fill(this.snapshotResult, badge("not written", "bad"),
        forbidden ? " Only the ops role may write snapshots." : ` ${(e as Error).message}`);
    } finally {
      button.disabled = false;
    }
  }
}

function card(title: string, value: string, note: string): HTMLElement {
  return el("div", { class: "card" },
    el("div", { class: "card-title" }, title), el("div", { class: "card-value" }, value),
    el("div", { class: "card-note" }, note));
}

function tierText(f: FeeTier): string {
  const tier = f.tier ?? "none";
  return f.next_tier ? `${tier} (${pct(f.share_to_next_tier, 3)} to ${f.next_tier})` : tier;
}

export function healthBlock(h: Health): HTMLElement {
  const f = h.feeds;
  return el("div", { class: "health", "data-health": h.status },
    el("p", {}, h.status === "ok" ? badge("ok", "ok") : badge(h.status, "warn"), " ",
      h.problems.length ? h.problems.map((p) => (p.includes(":") ? p : p.replaceAll("_", " "))).join(", ") : "no problems"),
    f ? table(["public feed", "accounts connected", "accounts in sync", "books in sync", "engine lag", "records"], [
      el("tr", {},
        td(yesNo(f.public_connected, "connected", "down")),
        num(`${f.accounts_connected} / ${f.accounts_total}`),
        num(`${f.accounts_in_sync} / ${f.accounts_total}`),
        num(`${f.books_in_sync} / ${f.books_total}`),
        num(h.engine.lag_ms == null ? "–" : `${plain(h.engine.lag_ms)} ms`),
        num(plain(h.engine.processed))),
    ], "") : el("p", { class: "empty" }, "No feed figures yet."));
}
