// One MM's standing (GET /v1/mms/<id>): projected reward, per-market eligibility with
// what is missing to each threshold, and the fee tiers. Used by the MM view, and by the
// program view for the MM an ops/risk user selects.
import { badge, bps, el, num, pct, plain, table, td, time, usd, yesNo } from "../dom";
import type { FeeTiers, Standing, StandingMarket } from "../types";

export function standingSection(s: Standing): HTMLElement {
  return el("section", { class: "standing", "data-standing": s.mm_id },
    el("div", { class: "cards" },
      card("Projected reward", usd(s.total_reward_usd), s.final ? "final" : `month ${s.month ?? "–"} so far`),
      card("Minimum allocation", s.meets_min_allocation ? "met" : `${usd(s.missing_to_min_allocation_usd)} short`,
        `minimum ${usd(s.min_allocation_usd)}; before it ${usd(s.reward_before_min_allocation_usd)}`,
        s.meets_min_allocation ? "ok" : "bad"),
      card("Eligible markets", `${s.markets.filter((m) => m.eligible).length} of ${s.markets.length}`,
        `min avg size ${usd(s.thresholds.min_avg_size_usd)}, min volume score ${pct(s.thresholds.min_volume_score)}`),
      card("As of", time(s.as_of), s.mm_id),
    ),
    el("h3", {}, "Eligibility per market"),
    table(
      ["market", "eligible", "what is missing", "maker volume", "volume score", "avg size", "uptime",
        "avg spread", "snapshots active / observed / unobserved", "quoting now", "reward"],
      s.markets.map((m) => el("tr", { "data-market": m.symbol, class: m.eligible ? "" : "ineligible" },
        td(m.symbol),
        td(m.eligible ? badge("eligible", "ok") : badge("not eligible", "bad")),
        td(missingText(m, s)),
        num(usd(m.maker_volume_usd)),
        num(pct(m.volume_score, 3)),
        num(activeOnly(m, usd(m.avg_size_usd))),
        num(pct(m.uptime, 1)),
        num(activeOnly(m, bps(m.avg_spread_bps))),
        num(`${plain(m.snapshots_active)} / ${plain(m.snapshots_observed)} / ${plain(m.snapshots_unobserved)}`),
        td(yesNo(m.active_now)),
        num(usd(m.reward_usd)),
      )),
      "No markets in this program.",
    ),
    el("h3", {}, "Fee tiers"),
    feeTierTable(s.fee_tiers),
  );
}

function card(title: string, value: string, note: string, tone: "ok" | "bad" | "" = ""): HTMLElement {
  return el("div", { class: `card ${tone}` },
    el("div", { class: "card-title" }, title),
    el("div", { class: "card-value" }, value),
    el("div", { class: "card-note" }, note));
}

// Averages over active snapshots: none, no value ("–", as in the program view).
export const activeOnly = (m: { snapshots_active: number }, text: string): string =>
  (m.snapshots_active > 0 ? text : "–");

// `missing.cause` (the first thing to fix) is newer than the shared types.
type Missing = StandingMarket["missing"] & { cause?: string | null };

// The API gives the cause and, per rule not met, how much is missing (0 where met): say it
// in words, the cause first. The monthly minimum is the MM's: its card says the amount,
// once, so a row only points to it.
function missingText(m: StandingMarket, s: Standing): string {
  if (m.eligible) return "nothing";
  const missing = m.missing as Missing;
  const parts: string[] = [];
  if (missing.cause === "no_active_snapshot")
    parts.push(`never active in ${plain(m.snapshots_observed)} observed snapshots (one side only, or nothing `
      + `within the band): quote both sides within the band`);
  else if (missing.cause === "no_observed_snapshot") parts.push("no snapshot observed yet");
  for (const reason of m.ineligible_reasons) {
    if (reason === "avg_size_below_min") {
      if (m.snapshots_active > 0)
        parts.push(`avg size ${usd(m.avg_size_usd)} < ${usd(s.thresholds.min_avg_size_usd)}: `
          + `${usd(missing.avg_size_usd)} more per side`);
    } else if (reason === "volume_score_below_min")
      parts.push(`volume score ${pct(m.volume_score, 3)} < ${pct(s.thresholds.min_volume_score, 3)}: `
        + `${usd(missing.maker_volume_usd)} more maker volume`);
    else if (reason === "below_min_allocation") parts.push("the monthly minimum allocation (above)");
    else parts.push(reason.replaceAll("_", " "));
  }
  return parts.join("; ") || "not eligible";
}

export function feeTierTable(tiers: FeeTiers): HTMLElement {
  return table(
    ["category", "tier", "maker fee", "earned tier", "adjusted maker share", "next tier", "share to next tier",
      "volume to next tier"],
    (["spot", "perp"] as const).map((category) => {
      const f = tiers[category];
      return el("tr", { "data-category": category },
        td(category),
        td(f.tier ?? "none", f.fee_holiday ? " (holiday)" : ""),
        num(f.maker_fee_bps == null ? "–" : bps(f.maker_fee_bps)),
        td(f.earned_tier ?? "none"),
        num(pct(f.adjusted_maker_share, 3)),
        td(f.next_tier ?? "top tier"),
        num(f.next_tier ? pct(f.share_to_next_tier, 3) : "–"),
        num(f.next_tier ? usd(f.volume_to_next_tier_usd) : "–"),
      );
    }),
    "No fee tiers.",
  );
}
