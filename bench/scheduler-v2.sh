#!/usr/bin/env bash
# Scheduler v2 (issue 11), the measuring side: every scenario the issue's figures come from, in
# sequence, with the same settings before and after the rewrite, so the comparison is one command.
#
#   bench/scheduler-v2.sh                      # all of them, about 21 minutes on 2 cores
#   bench/scheduler-v2.sh churn throughput     # a subset, by scenario name
#   OUT=bench/results/after bench/scheduler-v2.sh
#
# Each scenario prints its markdown table (and the exact command) on stdout; JSON reports and
# charts go to $OUT. Throughput and latency, the noisiest, run $ROUNDS times (default 3) and the
# script ends with their medians (needs jq). Contenders are named explicitly and are the ones that
# survive the rewrite: tenant-ring as the baseline, croupier-weighted (the engine's default
# scheduler), croupier-protocol end to end, fifo-list as the bare list.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${OUT:-bench/results/scheduler-v2}"
ROUNDS="${ROUNDS:-3}"
FAIRNESS="tenant-ring,croupier-weighted"
ALL=(shares shares-equal shares-spread shares-cost shares-cost-100 shares-weight-change churn throughput latency)
if [ $# -eq 0 ]; then SELECTED=("${ALL[@]}"); else SELECTED=("$@"); fi
for s in "${SELECTED[@]}"; do
  [[ " ${ALL[*]} " == *" $s "* ]] || { echo "scheduler-v2: unknown scenario '$s'; known: ${ALL[*]}" >&2; exit 2; }
done
mkdir -p "$OUT"

bench() { # bench NAME ARGS...: runs one scenario, its JSON at $OUT/NAME.json
  local name="$1"
  shift
  echo "[scheduler-v2] $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'): $name" >&2
  ./croupier bench "$@" --out "$OUT" --json "$OUT/$name.json"
}

wanted() { local s; for s in "${SELECTED[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# Fairness at saturation: 20 s per contender, the full backlogs (scale 1: 200,000 jobs; a smaller
# scale lets most Zipf tenants drain within the run, which shrinks what Jain's index compares).
for s in shares shares-equal shares-cost shares-cost-100 shares-weight-change; do
  if wanted "$s"; then bench "$s" "$s" --seconds 20 --scale 1 --contenders "$FAIRNESS"; fi
done
if wanted shares-spread; then
  for rivals in 9 49 99; do
    bench "shares-spread-$rivals" shares-spread --rivals "$rivals" --seconds 20 --scale 1 --contenders "$FAIRNESS"
  done
fi
# 10,000 tenants arriving over 90 s (scale 1); the run lasts until 2 s after the last arrival.
if wanted churn; then bench churn churn --seconds 20 --scale 1 --contenders "$FAIRNESS"; fi
for round in $(seq 1 "$ROUNDS"); do
  if wanted throughput; then
    bench "throughput-r$round" throughput --seconds 20 --contenders fifo-list,croupier-weighted,croupier-protocol
  fi
  if wanted latency; then
    bench "latency-r$round" latency --seconds 20 \
      --contenders fifo-list,tenant-ring,croupier-weighted,croupier-protocol
  fi
done

# Medians over the rounds, per contender (the lower median for an even count; n/a if it failed).
if command -v jq >/dev/null 2>&1; then
  lib='def med(f): [.[] | f | numbers] | sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
       def r(n): if . == null then "n/a" else (. * n | round / n | tostring) end;
       [.[].contenders | to_entries[]] | group_by(.key)[] | [.[].value] as $v | .[0].key as $name | $v'
  if wanted throughput && ls "$OUT"/throughput-r*.json >/dev/null 2>&1; then
    echo
    echo "## throughput: medians of $ROUNDS rounds"
    echo
    echo "| contender | completed jobs/s | vs fifo-list | Redis CPU us/job | Redis cmds/job | JVM CPU us/job |"
    echo "| --- | --- | --- | --- | --- | --- |"
    jq -rs "$lib"' | "| \($name) | \(med(.completedPerSecond) | r(1)) | \(med(.ratioToBareList) | r(1000))"
      + " | \(med(.profile.redisCpuMicrosPerJob) | r(10)) | \(med(.profile.redisCommandsPerJob) | r(100))"
      + " | \(med(.profile.jvmCpuMicrosPerJob) | r(10)) |"' "$OUT"/throughput-r*.json
  fi
  if wanted latency && ls "$OUT"/latency-r*.json >/dev/null 2>&1; then
    echo
    echo "## latency: medians of $ROUNDS rounds"
    echo
    echo "| contender | p50 ms | p99 ms | max ms | Redis CPU us/job | Redis cmds/job | JVM CPU us/job |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    jq -rs "$lib"' | "| \($name) | \(med((.p50Nanos // empty) / 1e6) | r(100)) | \(med((.p99Nanos // empty) / 1e6) | r(100))"
      + " | \(med((.maxNanos // empty) / 1e6) | r(100)) | \(med(.profile.redisCpuMicrosPerJob) | r(10))"
      + " | \(med(.profile.redisCommandsPerJob) | r(100)) | \(med(.profile.jvmCpuMicrosPerJob) | r(10)) |"' "$OUT"/latency-r*.json
  fi
fi
