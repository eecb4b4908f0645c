// The shapes of the API's JSON that the page reads (daemon/api/README.md). Only the
// fields used here are listed; numbers are plain JSON numbers, times RFC 3339 strings.

export interface FeeTier {
  tier: string | null;
  maker_fee_bps: number | null;
  earned_tier: string | null;
  fee_holiday: boolean;
  total_maker_share: number;
  adjusted_maker_share: number;
  next_tier: string | null;
  share_to_next_tier: number;
  volume_to_next_tier_usd: number;
  // Full standing only (/v1/mms/<id>).
  has_markets?: boolean;
  maker_volume_usd?: number;
  next_tier_min_share?: number | null;
}

export type FeeTiers = Record<"spot" | "perp", FeeTier>;

// Compact standing: /v1/mms rows and the stream's `mms`.
export interface MmSummary {
  mm_id: string;
  total_reward_usd: number;
  meets_min_allocation: boolean;
  volume_share: number | null;
  uptime: number | null;
  avg_spread_bps: number | null;
  fee_tiers: FeeTiers;
}

export interface MmList {
  month: string | null;
  as_of: string | null;
  mms: MmSummary[];
}

export interface StandingMarket {
  symbol: string;
  category: string;
  pair_pool_usd: number;
  maker_volume_usd: number;
  program_maker_volume_usd: number;
  volume_score: number;
  blended_score: number;
  uptime: number;
  avg_size_usd: number;
  avg_spread_bps: number;
  snapshots_active: number;
  snapshots_observed: number;
  snapshots_unobserved: number;
  eligible: boolean;
  ineligible_reasons: string[];
  reward_usd: number;
  active_now: boolean | null;
  missing: { avg_size_usd: number; volume_score: number; maker_volume_usd: number };
}

// GET /v1/mms/<id>.
export interface Standing {
  mm_id: string;
  month: string | null;
  as_of: string | null;
  final: boolean;
  total_reward_usd: number;
  meets_min_allocation: boolean;
  min_allocation_usd: number;
  reward_before_min_allocation_usd: number;
  missing_to_min_allocation_usd: number;
  thresholds: { min_avg_size_usd: number; min_volume_score: number; min_allocation_share: number };
  markets: StandingMarket[];
  fee_tiers: FeeTiers;
}

// POST /v1/mms/<id>/whatif: the plan, per market symbol, for the rest of the month.
export interface MarketPlan {
  extra_maker_volume_usd?: number;
  size_per_side_usd?: number; // with spread_bps, or neither
  spread_bps?: number;
  active_share?: number; // 0..1, needs size_per_side_usd and spread_bps
}

// Its answer: the standing at the month end under that plan.
export interface WhatIf {
  mm_id: string;
  snapshots_remaining: number;
  planned_markets: number;
  standing: Standing;
}

export interface MarketMmRow {
  mm_id: string;
  maker_volume_usd: number;
  volume_score: number;
  uptime: number;
  avg_size_usd: number;
  avg_spread_bps: number;
  snapshots_active: number;
  eligible: boolean;
  reward_usd: number;
  active_now: boolean | null;
  // Integrity screens (SCORING.md section 16), in the rows of daemons that have them:
  // absent (older daemons) and null both show "–".
  dense_uptime?: number | null; // 0..1
  flicker?: boolean | null;
  self_trade_volume_usd?: number | string | null;
  cross_mm_trade_volume_usd?: number | string | null;
}

export interface Market {
  symbol: string;
  category: string;
  reward_tier: number | null;
  observed: boolean;
  book_in_sync: boolean;
  snapshot_at: string | null;
  best_bid: number | null;
  best_ask: number | null;
  mid: number | null;
  spread_bps: number | null;
  bid_depth_usd: number;
  ask_depth_usd: number;
  active_mms: number;
  snapshots_observed: number;
  snapshots_unobserved: number;
  maker_volume_usd: number;
  program_maker_volume_usd: number;
  pair_pool_usd: number;
  trades_missing: number;  // trade ids never received nor backfilled (SCORING.md 13)
  late_trades: number;
  late_fills: number;
  late_volume_usd: number;
  mms: MarketMmRow[];
}

export interface Markets {
  month: string | null;
  as_of: string | null;
  markets: Market[];
}

export interface Health {
  status: "ok" | "degraded" | "starting";
  problems: string[];
  engine: { started: boolean; clock?: string | null; processed?: number; lag_ms?: number };
  feeds?: {
    public_connected: boolean;
    accounts_connected: number;
    accounts_in_sync: number;
    accounts_total: number;
    books_in_sync: number;
    books_total: number;
  };
  month?: string | null;
}

// The stream's periodic message.
export interface Update {
  type: "update";
  month: string | null;
  as_of: string | null;
  published_at: string;
  health: Health;
  markets: Market[];
  mms: MmSummary[];
}

// GET /v1/report: only what the program view shows.
export interface Report {
  month: string;
  final: boolean;
  as_of: string;
  pool_usd: number;
  unallocated_usd: number;
  snapshots_taken: number;
  input: { records: number; rejected: number; ignored: number };
  markets: { symbol: string; pair_pool_usd: number; unallocated_usd: number }[];
  mms: { mm_id: string; total_reward_usd: number }[];
}

// GET /v1/history: columnar, one array per series, null where undefined.
export type Column = (number | null)[];
export interface History {
  interval_ms: number;
  capacity?: number; // fine points kept (the last day)
  coarse_points?: number; // coarse points kept before it (the rest of the month)
  coarse_step_ms?: number; // what one coarse point stands for now
  t_ms: number[];
  mms: ({ mm_id: string } & Record<string, Column | string>)[];
  markets: ({ symbol: string } & Record<string, Column | string>)[];
}

// GET /v1/mms/<id>/snapshots: the live evidence rows (SCORING.md section 15).
export interface EvidenceRow {
  symbol: string;
  interval: number;
  instant: string;
  observed: boolean;
  unobserved_reason: string | null;
  size_usd: number | string | null;
  spread_bps: number | string | null;
  active: boolean;
  inactive_reason: string | null;
}
export interface EvidenceRows {
  mm_id: string;
  rows: EvidenceRow[];
}
