#!/usr/bin/env bash
# Backup benchmark for issue 3: vault against restic and borg on a deterministic ~1 GiB dataset:
# first backup, no-change backup, backup after a day of edits (incl. 1 MiB inserted mid-file),
# full restore; wall time, peak RSS, repository size, size added by the edits. See bench/README.md.
#
# Knobs (environment): RUNS (runs per tool, default 3; medians are reported), SCALE (dataset
# scale, default 1), SEED (default 1), TOOLS (default "vault restic borg"), VAULT_JAR (default:
# build this checkout via ./vault --version), VAULT_JAVA_OPTS, KEEP=1 (keep the scratch folder), TMPDIR,
# LAUNCHER (default 1: run vault through ./vault with the JVM options users get; 0: plain java -jar),
# BASE_JAR (another vault build, measured as the tool "base" in the same run: a before/after check),
# RESUME (default 1: also measure a first backup killed at ~70 % and resumed, issue 12; 0: skip it).
set -eu
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
LAUNCHER=${LAUNCHER:-1}
SCALE=${SCALE:-1}
SEED=${SEED:-1}
TOOLS=${TOOLS:-vault restic borg}
RESUME=${RESUME:-1}

[ -x /usr/bin/time ] || die "GNU time is needed for peak RSS: apt-get install time"
make_workdir
isolate_home
PASSWORD=bench-password-not-secret
export VAULT_PASSWORD=$PASSWORD RESTIC_PASSWORD=$PASSWORD BORG_PASSPHRASE=$PASSWORD
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes

ACTIVE=()
SKIPPED=()
for t in $TOOLS; do
    case $t in
        vault)
            find_vault_jar
            setup_vault_cmd
            for c in "repo init" backup restore; do
                # shellcheck disable=SC2086
                require_vault_command $c
            done
            ACTIVE+=(vault)
            ;;
        base)
            [ -n "${BASE_JAR:-}" ] && [ -f "$BASE_JAR" ] || die "tool 'base' needs BASE_JAR=<an earlier vault.jar>"
            BASE_JAR=$(cd "$(dirname "$BASE_JAR")" && pwd)/$(basename "$BASE_JAR")
            ACTIVE+=(base)
            ;;
        restic | borg)
            if have "$t"; then
                ACTIVE+=("$t")
            else
                pkg=$t; [ "$t" = borg ] && pkg=borgbackup
                say "bench: $t is not installed; skipping it (apt-get install $pkg)"
                SKIPPED+=("$t (not installed: apt-get install $pkg)")
            fi
            ;;
        *) die "unknown tool '$t' in TOOLS; use vault, base, restic, borg" ;;
    esac
done
[ ${#ACTIVE[@]} -gt 0 ] || die "no tool to measure."
# "base" runs exactly like vault (same launcher, same options), from the jar BASE_JAR names.
BASE_ARGV=()
for t in "${ACTIVE[@]}"; do
    if [ "$t" = base ]; then
        if [ "$LAUNCHER" = 1 ]; then
            BASE_ARGV=(env "VAULT_JAR=$BASE_JAR" "$BENCH_ROOT/vault")
            "${BASE_ARGV[@]}" --version >/dev/null || die "the launcher cannot run $BASE_JAR"
        else
            # shellcheck disable=SC2206
            BASE_ARGV=(java -XX:+UseSerialGC -Xmx200m "-Duser.home=$BENCH_HOME" ${VAULT_JAVA_OPTS:-} -jar "$BASE_JAR")
        fi
    fi
done

W=$BENCH_WORK
# Nothing is deleted until the end (a restore right after deleting a large tree spends seconds in
# ext4's inode allocator skipping the recently freed inodes, for every tool alike but unevenly):
# each run and tool gets fresh folders; the scratch folder needs ~5 GB per run.
SRC=""              # the backed-up folder, set per run and tool below
say "bench: generating backup-1g (scale $SCALE, seed $SEED)"
DATA_SUMMARY=$(datasets backup-1g "$W/data" "$SEED" --scale="$SCALE")
say "  $DATA_SUMMARY"
DATA_BYTES=$(dir_bytes "$W/data")

# cmd_for TOOL STEP REPO [DEST|ARCHIVE...]: sets CMD to the argv of one step of one tool.
cmd_for() {
    local tool=$1 step=$2 repo=$3
    case $tool/$step in
        vault/init) CMD=("${VAULT_ARGV[@]}" repo init "$repo") ;;
        vault/backup) CMD=("${VAULT_ARGV[@]}" backup --repo "$repo" "$SRC") ;;
        vault/restore) CMD=("${VAULT_ARGV[@]}" restore latest --repo "$repo" --to "$4") ;;
        base/init) CMD=("${BASE_ARGV[@]}" repo init "$repo") ;;
        base/backup) CMD=("${BASE_ARGV[@]}" backup --repo "$repo" "$SRC") ;;
        base/restore) CMD=("${BASE_ARGV[@]}" restore latest --repo "$repo" --to "$4") ;;
        restic/init) CMD=(restic -r "$repo" init --repository-version 2) ;;
        restic/backup) CMD=(restic -r "$repo" backup --compression auto "$SRC") ;;
        restic/restore) CMD=(restic -r "$repo" restore latest --target "$4") ;;
        borg/init) CMD=(borg init --encryption repokey-blake2 "$repo") ;;
        borg/backup) CMD=(borg create --compression zstd,3 "$repo::$4" "$SRC") ;;
        # borg extracts into the current folder; exec keeps borg the process /usr/bin/time measures.
        borg/restore) CMD=(sh -c 'cd "$1" && exec borg extract "$2::$3"' sh "$4" "$repo" "$5") ;;
    esac
}

# Where a tool puts the restored source folder inside DEST (restic and borg keep the full path).
restored_root() {
    local tool=$1 dest=$2 c
    for c in "$dest" "$dest$SRC" "$dest/$(basename "$SRC")"; do
        if [ -d "$c" ] && [ "$(datasets digest "$c")" = "$EXPECTED" ]; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

LARGE_REL=images/disk.img   # Datasets.LARGE_FILE
is_active_early() { local t; for t in "${ACTIVE[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

declare -A R   # R[tool/metric] = space-separated values of every run
add() { R[$1]="${R[$1]:-} $2"; }

EXPECTED=""
VERIFY_FAILED=()
# Tools take turns at every step, so each tool's figure for a step is taken seconds, not minutes,
# from the others' (this shared machine's speed drifts by tens of percent within minutes), and every
# other run goes in reverse order so no tool always goes first. A sync before every timed step
# keeps one tool's pending writes out of the next tool's time.
for ((run = 1; run <= RUNS; run++)); do
    ORDER=("${ACTIVE[@]}")
    if ((run % 2 == 0)); then
        ORDER=()
        for ((i = ${#ACTIVE[@]} - 1; i >= 0; i--)); do ORDER+=("${ACTIVE[$i]}"); done
    fi
    say "bench: run $run/$RUNS (${ORDER[*]})"
    for tool in "${ORDER[@]}"; do
        SRC=$W/src-$run-$tool
        cp -a "$W/data" "$SRC"
        cmd_for "$tool" init "$W/repo-$run-$tool"
        timed_ok "$tool init" t "${CMD[@]}"
    done
    for tool in "${ORDER[@]}"; do
        SRC=$W/src-$run-$tool
        sync
        warm_cache "$SRC"
        cmd_for "$tool" backup "$W/repo-$run-$tool" first
        timed_ok "$tool first backup" t "${CMD[@]}"
        add "$tool/first_s" "$t_s"; add "$tool/first_kb" "$t_kb"; add "$tool/first_cpu" "$t_cpu"
        add "$tool/size_first" "$(dir_bytes "$W/repo-$run-$tool")"
    done
    declare -A SIZE_NOCHANGE=()
    for tool in "${ORDER[@]}"; do
        SRC=$W/src-$run-$tool
        sync
        cmd_for "$tool" backup "$W/repo-$run-$tool" nochange
        timed_ok "$tool no-change backup" t "${CMD[@]}"
        add "$tool/nochange_s" "$t_s"; add "$tool/nochange_kb" "$t_kb"; add "$tool/nochange_cpu" "$t_cpu"
        SIZE_NOCHANGE[$tool]=$(dir_bytes "$W/repo-$run-$tool")
    done
    for tool in "${ORDER[@]}"; do
        EDIT_SUMMARY=$(datasets edit-day "$W/src-$run-$tool" "$SEED")
        [ -n "$EXPECTED" ] || EXPECTED=$(datasets digest "$W/src-$run-$tool")
    done
    for tool in "${ORDER[@]}"; do
        SRC=$W/src-$run-$tool
        sync
        warm_cache "$SRC"
        cmd_for "$tool" backup "$W/repo-$run-$tool" edits
        timed_ok "$tool backup after edits" t "${CMD[@]}"
        add "$tool/edits_s" "$t_s"; add "$tool/edits_kb" "$t_kb"; add "$tool/edits_cpu" "$t_cpu"
        size_edits=$(dir_bytes "$W/repo-$run-$tool")
        add "$tool/size_final" "$size_edits"
        add "$tool/added" "$((size_edits - SIZE_NOCHANGE[$tool]))"
    done
    for tool in "${ORDER[@]}"; do
        SRC=$W/src-$run-$tool
        dest=$W/restore-$run-$tool
        mkdir -p "$dest"
        sync
        cmd_for "$tool" restore "$W/repo-$run-$tool" "$dest" edits
        timed_ok "$tool restore" t "${CMD[@]}"
        add "$tool/restore_s" "$t_s"; add "$tool/restore_kb" "$t_kb"; add "$tool/restore_cpu" "$t_cpu"
        if ! restored_root "$tool" "$dest" >/dev/null; then
            VERIFY_FAILED+=("$tool run $run")
            say "bench: $tool's restore (run $run) does not match the backed-up files!"
        fi
    done
done

# Resume after an interruption (issue 12): a first backup of a fresh copy of the dataset, killed
# (SIGKILL, as a crash) once the repository holds 70 % of what a whole first backup stores, then a
# backup that completes. "Stored again" is how much larger that repository ends up than the
# uninterrupted first backups above (median size_first), leftovers of the killed run included.
RESUME_OUT="not run (RESUME=0, or vault not measured)"
if [ "$RESUME" = 1 ] && is_active_early vault; then
    say "bench: resume after a first backup killed at ~70 %"
    SRC=$W/src-resume
    cp -a "$W/data" "$SRC"
    rrepo=$W/repo-resume
    cmd_for vault init "$rrepo"
    timed_ok "vault init (resume)" t "${CMD[@]}"
    # shellcheck disable=SC2086
    full=$(median ${R[vault/size_first]})
    full=${full%.*}
    want=$((full * 7 / 10))
    sync
    warm_cache "$SRC"
    cmd_for vault backup "$rrepo"
    "${CMD[@]}" >"$W/resume-killed.log" 2>&1 &
    bpid=$!
    stored=0
    while kill -0 "$bpid" 2>/dev/null; do
        stored=$(du -sb "$rrepo/data" "$rrepo/tmp" 2>/dev/null | awk '{s += $1} END {print s + 0}')
        [ "$stored" -lt "$want" ] || break
        sleep 0.05
    done
    if kill -9 "$bpid" 2>/dev/null; then
        wait "$bpid" 2>/dev/null || true
        at=$(dir_bytes "$rrepo")
        sync
        cmd_for vault backup "$rrepo"
        timed_ok "vault resumed backup" t "${CMD[@]}"
        resumed_s=$t_s
        reused=$(grep -o 'Reused [0-9]* pack(s) ([^)]*)' "$BENCH_WORK/last.log" || echo "no unindexed packs to reuse")
        end=$(dir_bytes "$rrepo")
        again=$((end - full))
        [ "$again" -ge 0 ] || again=0
        pct=$(awk -v a="$again" -v d="$DATA_BYTES" 'BEGIN{printf "%.1f", 100 * a / d}')
        RESUME_OUT=$(printf '%s\n' \
            "killed at $(bytes_to_mib "$stored") MiB stored of $(bytes_to_mib "$full") MiB ($(awk -v a="$stored" -v f="$full" 'BEGIN{printf "%.0f", 100 * a / f}') %); repository then $(bytes_to_mib "$at") MiB" \
            "resumed backup: ${resumed_s} s, repository $(bytes_to_mib "$end") MiB; $reused" \
            "stored again: $(bytes_to_mib "$again") MiB = $pct % of the dataset  $(check "$pct" '<=' 15) (<= 15 %)")
    else
        wait "$bpid" 2>/dev/null || true
        RESUME_OUT="the backup finished before 70 % was stored (it stores little? see $W/resume-killed.log); no figure"
    fi
fi

# One-core throughput of vault's chunker and per-chunk pipeline on the dataset's large file.
CHUNKER_OUT="not run (vault not measured)"
if is_active_early vault; then
    say "bench: chunker and per-chunk pipeline harness"
    # shellcheck disable=SC2086
    if out=$(java -XX:+UseSerialGC ${VAULT_JAVA_OPTS:-} -Xmx2g -cp "$VAULT_JAR" "$BENCH_ROOT/bench/ChunkerBench.java" \
            "$W/data/$LARGE_REL" 5 2>&1); then
        CHUNKER_OUT=$out
    else
        CHUNKER_OUT="the harness failed (engine API changed, or see the error): $(printf '%s' "$out" | head -n 3)"
    fi
fi

med() { # med TOOL METRIC → median over runs, "-" if the tool was not measured
    # shellcheck disable=SC2086
    median ${R[$1/$2]:-}
}
mx() {
    # shellcheck disable=SC2086
    maxof ${R[$1/$2]:-}
}
col() { # value of a metric for a tool, formatted by kind (s | mib | kb)
    local v
    case $3 in
        s) med "$1" "$2" ;;
        mib) v=$(med "$1" "$2"); bytes_to_mib "$v" ;;
        kb) v=$(mx "$1" "$2"); kib_to_mib "$v" ;;
    esac
}
is_active() { local t; for t in "${ACTIVE[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
val() { if is_active "$1"; then col "$@"; else echo -; fi; }

# row LABEL METRIC KIND TARGET_KIND TARGET: TARGET_KIND is "ratio" (vault/restic <= TARGET),
# "abs" (vault value <= TARGET in the row's unit) or "-".
row() {
    local v r b q verdict=-
    v=$(val vault "$2" "$3"); r=$(val restic "$2" "$3"); b=$(val borg "$2" "$3")
    q=$(ratio "$v" "$r")
    case $4 in
        ratio) verdict="$(check "$q" '<=' "$5") (<= ${5}x restic)" ;;
        abs) verdict="$(check "$v" '<=' "$5") (<= $5)" ;;
    esac
    printf '%-36s %9s %9s %9s %12s  %s\n' "$1" "$v" "$r" "$b" "$q" "$verdict"
}

# paired METRIC LABEL TARGET: vault/restic per run (both ran the step one after the other), and the
# median of those ratios. On a shared machine whose speed drifts between rounds this is steadier than
# the ratio of the two medians in the table above.
paired() {
    local v r i q=() m
    is_active vault && is_active restic || return 0
    read -ra v <<< "${R[vault/$1]:-}"
    read -ra r <<< "${R[restic/$1]:-}"
    for ((i = 0; i < ${#v[@]} && i < ${#r[@]}; i++)); do q+=("$(ratio "${v[$i]}" "${r[$i]}")"); done
    m=$(median "${q[@]}")
    printf '%-36s %-40s median %5.2f  %s\n' "$2" "${q[*]}" "$m" "$(check "$m" '<=' "$3") (<= $3)"
}

rss_all() { # peak RSS over every step and run of a tool, MiB
    local k m=0 x
    is_active "$1" || { echo -; return; }
    for k in first_kb nochange_kb edits_kb restore_kb; do
        x=$(mx "$1" "$k"); [ "$x" = - ] || [ "$x" -le "$m" ] || m=$x
    done
    kib_to_mib "$m"
}

{
    echo "== vault backup benchmark (issue 3) =="
    machine_info
    is_active vault && echo "vault jar: $VAULT_JAR ($([ "$LAUNCHER" = 1 ] && echo "run by the ./vault launcher" || echo "run as: java -XX:+UseSerialGC -Xmx200m -jar"))"
    is_active restic && echo "restic: $(restic version | head -n 1) (repository version 2, compression auto)"
    is_active borg && echo "borg: $(borg --version) (repokey-blake2, zstd,3)"
    [ ${#SKIPPED[@]} -eq 0 ] || echo "skipped: ${SKIPPED[*]}"
    echo "dataset: $DATA_SUMMARY; $(bytes_to_mib "$DATA_BYTES") MiB on disk; seed $SEED; scale $SCALE"
    echo "$EDIT_SUMMARY"
    echo "method: per run and tool: fresh copy of the dataset, init (untimed), first backup, no-change backup, edit-day,"
    echo "  backup, restore latest into an empty folder (checked byte for byte); the tools take turns at every step (order"
    echo "  reversed every other run), with a sync before each timed step and the source read once before each backup"
    echo "  (page cache warm for every tool alike; caches are not dropped). Medians of $RUNS run(s)."
    echo "  Wall time from the shell (JVM start included); cpu = user+system seconds; peak RSS from /usr/bin/time; sizes are du -sb of the repository."
    echo
    printf '%-36s %9s %9s %9s %12s  %s\n' "step (median)" "vault" "restic" "borg" "vault/restic" "target"
    row "first backup, s" first_s s ratio 0.7
    row "no-change backup, s" nochange_s s ratio 1.0
    row "backup after edit-day, s" edits_s s ratio 1.0
    row "full restore, s" restore_s s ratio 0.8
    row "first backup, cpu s" first_cpu s - -
    row "no-change backup, cpu s" nochange_cpu s - -
    row "backup after edit-day, cpu s" edits_cpu s - -
    row "full restore, cpu s" restore_cpu s - -
    row "repository size after first, MiB" size_first mib ratio 1.0
    row "repository size at end, MiB" size_final mib ratio 1.0
    row "added by edit-day backup, MiB" added mib abs 10
    row "peak RSS first backup, MiB" first_kb kb - -
    row "peak RSS no-change backup, MiB" nochange_kb kb - -
    row "peak RSS backup after edits, MiB" edits_kb kb - -
    row "peak RSS restore, MiB" restore_kb kb - -
    v=$(rss_all vault)
    printf '%-36s %9s %9s %9s %12s  %s\n' "peak RSS, any step, MiB" "$v" "$(rss_all restic)" "$(rss_all borg)" \
        "$(ratio "$v" "$(rss_all restic)")" "$(awk -v m="$v" 'BEGIN{ if (m=="-") print "-"; else if (m*1048576 <= 300e6) print "met"; else print "MISSED" }') (<= 300 MB = 286 MiB)"
    if is_active vault && is_active restic; then
        echo
        echo "vault/restic in each run (run 1 first), and the median of those ratios:"
        paired first_s "first backup" 0.7
        paired nochange_s "no-change backup" 1.0
        paired edits_s "backup after edit-day" 1.0
        paired restore_s "full restore" 0.8
    fi
    if is_active vault && is_active base; then
        echo
        echo "this build against BASE_JAR=$BASE_JAR (vault/base per run, run 1 first; median of the ratios):"
        for m in first_s:"first backup" nochange_s:"no-change backup" edits_s:"backup after edit-day" restore_s:"full restore"; do
            read -ra v <<< "${R[vault/${m%%:*}]:-}"
            read -ra b <<< "${R[base/${m%%:*}]:-}"
            q=()
            for ((i = 0; i < ${#v[@]} && i < ${#b[@]}; i++)); do q+=("$(ratio "${v[$i]}" "${b[$i]}")"); done
            printf '%-36s %9s %9s %-24s median %5.2f  %s\n' "${m#*:}, s (vault, base)" "$(med vault "${m%%:*}")" \
                "$(med base "${m%%:*}")" "${q[*]}" "$(median "${q[@]}")" "$(check "$(median "${q[@]}")" '<=' 1.05) (<= 1.05)"
        done
    fi
    echo
    echo "chunker harness (bench/ChunkerBench.java, one core, on $LARGE_REL):"
    printf '%s\n' "$CHUNKER_OUT" | sed 's/^/  /'
    echo "resume after a first backup killed at ~70 % (issue 12):"
    printf '%s\n' "$RESUME_OUT" | sed 's/^/  /'
    echo "restores verified byte for byte: $([ ${#VERIFY_FAILED[@]} -eq 0 ] && echo "all" || echo "FAILED: ${VERIFY_FAILED[*]}")"
    echo "raw values per run (seconds / bytes / KiB):"
    for k in $(printf '%s\n' "${!R[@]}" | sort); do echo "  $k:${R[$k]}"; done
}
