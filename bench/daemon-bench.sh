#!/usr/bin/env bash
# Daemon benchmark for issue 5: idle CPU and RSS of `vault daemon` on a 20,000-file workspace,
# and how long a saved file takes to reach another computer's workspace through two daemons.
# See bench/README.md.
#
# Knobs (environment): SCALE (dataset scale, default 1), IDLE_SECONDS (idle sampling window,
# default 60), SAVES (timed saves, default 5), HUB_CHECK (the receiving daemon's hub check
# interval, default 30s as shipped), SEED, VAULT_JAR, VAULT_JAVA_OPTS, KEEP=1, TMPDIR.
set -eu
. "$(dirname "$0")/lib.sh"

SCALE=${SCALE:-1}
IDLE_SECONDS=${IDLE_SECONDS:-60}
SAVES=${SAVES:-5}
HUB_CHECK=${HUB_CHECK:-30s}
SEED=${SEED:-1}

make_workdir
isolate_home
find_vault_jar
setup_vault_cmd
require_vault_command daemon

W=$BENCH_WORK
say "bench: generating workspace-20k (scale $SCALE, seed $SEED)"
say "  $(datasets workspace-20k "$W/alpha" "$SEED" --scale="$SCALE")"
FILES=$(find "$W/alpha" -type f | wc -l)
vault init "$W/alpha" --hub "$W/hub.git" --name alpha >/dev/null
vault join "$W/hub.git" "$W/beta" --name beta >/dev/null

PIDS=()
cleanup_daemons() {
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap 'cleanup_daemons; [ "${KEEP:-0}" = 1 ] || rm -rf "$BENCH_WORK"' EXIT

"${VAULT_ARGV[@]}" daemon -C "$W/alpha" --hub-check "$HUB_CHECK" >"$W/alpha.out" 2>&1 &
PA=$!; PIDS+=("$PA")
"${VAULT_ARGV[@]}" daemon -C "$W/beta" --hub-check "$HUB_CHECK" >"$W/beta.out" 2>&1 &
PB=$!; PIDS+=("$PB")

# Wait for both daemons' first round (the start-up round), then let them settle.
for ws in alpha beta; do
    for _ in $(seq 1 600); do
        grep -q "sync (interval)" "$W/$ws/.git/vault/daemon.log" 2>/dev/null && break
        sleep 0.2
    done
done
sleep 5

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
say "bench: sampling idle CPU of the alpha daemon for ${IDLE_SECONDS}s"
t0=$(ticks "$PA"); s0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
t1=$(ticks "$PA"); s1=$(date +%s.%N)
IDLE_CPU=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v s="$s0" -v e="$s1" 'BEGIN { printf "%.2f", 100 * (b - a) / hz / (e - s) }')
RSS_NOW=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$PA/status")
RSS_PEAK=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$PA/status")

say "bench: timing $SAVES saves from alpha until they appear in beta"
LAT=()
for i in $(seq 1 "$SAVES"); do
    name="bench-save-$i-$RANDOM.txt"
    start=$(date +%s.%N)
    printf 'saved %s\n' "$i" > "$W/alpha/$name"
    for _ in $(seq 1 1200); do
        [ -f "$W/beta/$name" ] && break
        sleep 0.1
    done
    end=$(date +%s.%N)
    [ -f "$W/beta/$name" ] || die "save $i did not arrive within 120 s"
    LAT+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')")
    sleep 2
done
LAT_SORTED=$(printf '%s\n' "${LAT[@]}" | sort -n | tr '\n' ' ')
LAT_MED=$(printf '%s\n' "${LAT[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
LAT_MAX=$(printf '%s\n' "${LAT[@]}" | sort -n | tail -n 1)
HUB_S=$(printf '%s' "$HUB_CHECK" | sed 's/s$//')
RSS_AFTER=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$PB/status")

cat <<REPORT
== vault daemon on a $FILES-file workspace ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))
| measure | value | target |
|---|---:|---|
| idle CPU, alpha daemon, ${IDLE_SECONDS}s window | ${IDLE_CPU}% of one core | <= 1% |
| RSS of alpha daemon (now / peak) | ${RSS_NOW} / ${RSS_PEAK} MB | <= 200 MB |
| peak RSS of beta daemon after the saves | ${RSS_AFTER} MB | <= 200 MB |
| save on alpha -> file in beta (median / max of $SAVES) | ${LAT_MED} / ${LAT_MAX} s | <= 15 s + hub check (${HUB_CHECK}) = $((15 + ${HUB_S%%[a-z]*})) s |
| all latencies (s) | $LAT_SORTED | |
REPORT
