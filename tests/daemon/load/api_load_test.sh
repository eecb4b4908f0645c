#!/usr/bin/env bash
# Load and isolation: 64 concurrent clients on GET /v1/report (wrk) against the daemon
# running with its built-in simulator. Passes when wrk sees zero errors and the engine's
# processed-records rate under load is within 10% of the rate without load; prints both
# rates, the engine's mean latency in both phases, and the API's requests/s.
#   api_load_test.sh MMSCORE_BINARY SOURCE_DIR [SECONDS]
set -euo pipefail
mmscore=$1 src=$2 secs=${3:-8}
command -v wrk >/dev/null || { echo "wrk not installed: skipped"; exit 77; }

dir=$(mktemp -d /tmp/mmscore-load.XXXXXX)
daemon=""
cleanup() { [[ -n $daemon ]] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" || true; rm -rf "$dir"; }
trap cleanup EXIT

ops=load-test-ops-token-000000000001
echo "$ops ops" > "$dir/tokens"
# The demo's program and simulator, busier (2,000 market events/s), no faults.
sed -e '/^\[simulator\]/,$d' "$src/config/demo.toml" > "$dir/load.toml"
cat >> "$dir/load.toml" <<TOML
[simulator]
enabled = true
seed = 7
events_per_second = 2000
[journal]
dir = "$dir/journal"
[report]
dir = "$dir/reports"
[api]
listen = "127.0.0.1:0"
tokens_file = "$dir/tokens"
max_connections_per_client = 128  # wrk's 64 and the metrics scrapes, all from 127.0.0.1
TOML

"$mmscore" run --config "$dir/load.toml" > "$dir/run.log" 2>&1 &
daemon=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*api http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/run.log" | head -1)
  [[ -n $port ]] && curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
[[ -n $port ]] || { echo "daemon did not start"; cat "$dir/run.log"; exit 1; }
sleep 3  # connected, books seeded, warm

metric() {  # the value of one unlabelled series
  curl -sf -H "Authorization: Bearer $ops" "http://127.0.0.1:$port/metrics" |
    awk -v name="$1" '$1 == name { printf "%.9f", $2 }'
}
# Over $1 seconds: records/s processed, and the mean frame-received -> state-updated
# latency (the rate only shows an engine that falls behind; the latency shows it sooner).
rate_over() {
  local a t0 b t1 sum0 n0 sum1 n1
  a=$(metric mmscore_engine_records_processed_total); t0=$(date +%s.%N)
  sum0=$(metric mmscore_engine_latency_seconds_sum); n0=$(metric mmscore_engine_latency_seconds_count)
  sleep "$1"
  b=$(metric mmscore_engine_records_processed_total); t1=$(date +%s.%N)
  sum1=$(metric mmscore_engine_latency_seconds_sum); n1=$(metric mmscore_engine_latency_seconds_count)
  echo "($b - $a) / ($t1 - $t0)" | bc -l
  echo "($sum1 - $sum0) / ($n1 - $n0) * 1000000" | bc -l
}

{ read -r idle_rate; read -r idle_us; } < <(rate_over "$secs")
wrk -t2 -c64 -d$((secs + 4))s --latency -H "Authorization: Bearer $ops" \
  "http://127.0.0.1:$port/v1/report" > "$dir/wrk.txt" 2>&1 &
wrk_pid=$!
sleep 2
{ read -r load_rate; read -r load_us; } < <(rate_over "$secs")
wait "$wrk_pid"

req_s=$(awk '/^Requests\/sec:/ { print $2 }' "$dir/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$dir/wrk.txt"); non2xx=${non2xx:-0}
sock_err=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$dir/wrk.txt"); sock_err=${sock_err:-0}
p99=$(awk '$1 == "99%" { print $2 }' "$dir/wrk.txt")
drop=$(echo "(1 - $load_rate / $idle_rate) * 100" | bc -l)

printf 'engine records/s without load: %.0f\n' "$idle_rate"
printf 'engine records/s with 64 clients on /v1/report: %.0f (change %+.1f%%)\n' "$load_rate" "$(echo "-1 * $drop" | bc -l)"
printf 'engine mean latency (received -> state updated): %.1f us without load, %.1f us with\n' "$idle_us" "$load_us"
printf 'API: %s requests/s, p99 %s, non-2xx %s, socket errors %s\n' "$req_s" "$p99" "$non2xx" "$sock_err"

fail=0
[[ $non2xx == 0 && $sock_err == 0 ]] || { echo "FAIL: wrk saw errors"; cat "$dir/wrk.txt"; fail=1; }
(( $(echo "$idle_rate > 1000" | bc -l) )) || { echo "FAIL: the engine was not busy (idle rate $idle_rate)"; fail=1; }
(( $(echo "$drop < 10" | bc -l) )) || { echo "FAIL: engine rate dropped by $(printf '%.1f' "$drop")% under API load"; fail=1; }
exit $fail
