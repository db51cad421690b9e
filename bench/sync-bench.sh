#!/usr/bin/env bash
# Sync benchmark for issue 2: vault sync/status on a 20,000-file (~200 MB) workspace against the
# same steps with the C git CLI, in the same run. See bench/README.md.
#
# Knobs (environment): SCALE (dataset scale, default 1), RUNS (timed runs per step, default 5,
# at least 5 for the report), WARM_ROUNDS (rounds of the in-process harness, default 20),
# SEED (dataset seed, default 1), VAULT_JAR (default: build this checkout via ./vault --version),
# VAULT_JAVA_OPTS (extra JVM options), BASE_JAR (a vault jar of the code before a change: its
# no-change sync on the same 20,000 files is timed in the same run, as a "before" row),
# SSH=0 (skip the ssh rounds; they need openssh-server), SSH_FILES (files in the ssh workspaces,
# default 200), APPCDS=1 (use an AppCDS archive of the jar made by one
# sync run: shows how much of a shell round is class loading), KEEP=1 (keep the scratch folder), TMPDIR.
set -eu
. "$(dirname "$0")/lib.sh"

SCALE=${SCALE:-1}
RUNS=${RUNS:-5}
WARM_ROUNDS=${WARM_ROUNDS:-20}
SEED=${SEED:-1}
SSH_FILES=${SSH_FILES:-200}

have git || die "C git is needed for the comparison: apt-get install git"
[ -x /usr/bin/time ] || die "GNU time is needed for peak RSS: apt-get install time"
make_workdir
isolate_home
find_vault_jar
setup_vault_cmd
for c in init join sync status; do require_vault_command "$c"; done
if have hyperfine; then
    USE_HYPERFINE=1
else
    USE_HYPERFINE=0
    say "bench: hyperfine not found (apt-get install hyperfine); timing with a loop and /usr/bin/time instead."
fi

W=$BENCH_WORK
say "bench: generating workspace-20k (scale $SCALE, seed $SEED)"
DATA_SUMMARY=$(datasets workspace-20k "$W/data" "$SEED" --scale="$SCALE")
say "  $DATA_SUMMARY"
# The file that the one-file-change steps append to (the same relative path for both tools).
CHANGE_REL=$(cd "$W/data" && find . -type f -name '*.md' | LC_ALL=C sort | head -n 1)
[ -n "$CHANGE_REL" ] || CHANGE_REL=$(cd "$W/data" && find . -type f | LC_ALL=C sort | head -n 1)

declare -A MED RSS CPU LAST_OUT

# One-off steps (single run each): set-up of both computers, for information.
VA=$W/vault/alpha VB=$W/vault/beta VHUB=$W/vault/hub.git
GA=$W/git/alpha GB=$W/git/beta GHUB=$W/git/hub.git
mkdir -p "$W/vault" "$W/git"
cp -a "$W/data" "$VA"
cp -a "$W/data" "$GA"
warm_cache "$W/data"
say "bench: vault init + join"
timed_ok "vault init" t "${VAULT_ARGV[@]}" init "$VA" --hub "$VHUB" --name alpha
MED[vault_init]=$t_s RSS[vault_init]=$t_kb CPU[vault_init]=$t_cpu
timed_ok "vault join" t "${VAULT_ARGV[@]}" join "$VHUB" "$VB" --name beta
MED[vault_join]=$t_s RSS[vault_join]=$t_kb CPU[vault_join]=$t_cpu
say "bench: git init + add + commit + push, git clone"
timed_ok "git init" t sh -c 'git init -q -b main "$1" && git init -q --bare -b main "$2" && cd "$1" &&
    git add -A && git commit -q -m "move current work to central" && git remote add origin "$2" &&
    git push -q -u origin main' sh "$GA" "$GHUB"
MED[git_init]=$t_s RSS[git_init]=$t_kb CPU[git_init]=$t_cpu
timed_ok "git clone" t git clone -q "$GHUB" "$GB"
MED[git_join]=$t_s RSS[git_join]=$t_kb CPU[git_join]=$t_cpu

# APPCDS=1: measure with a dynamic AppCDS archive of the jar's classes, made by one sync run
# (what a launcher could do on first use), to see how much of a shell round is class loading.
if [ "${APPCDS:-0}" = 1 ]; then
    say "bench: making an AppCDS archive from one vault sync run"
    VAULT_JAVA_OPTS="${VAULT_JAVA_OPTS:-} -XX:ArchiveClassesAtExit=$W/vault.jsa" setup_vault_cmd
    vault sync -C "$VA" >/dev/null 2>&1 || die "the AppCDS archiving run failed"
    VAULT_JAVA_OPTS="${VAULT_JAVA_OPTS:-} -XX:SharedArchiveFile=$W/vault.jsa"
    setup_vault_cmd
fi

# bench_step KEY PREPARE COMMAND: median wall time over RUNS runs (after one warm-up) and peak RSS.
bench_step() {
    local key=$1 prep=$2 cmd=$3 csv=$BENCH_WORK/$1.csv i
    say "bench: $key"
    if [ "$USE_HYPERFINE" = 1 ]; then
        local popt=()
        [ -z "$prep" ] || popt=(--prepare "$prep")
        hyperfine --style none --runs "$RUNS" --warmup 1 "${popt[@]}" --export-csv "$csv" "$cmd" \
            >"$BENCH_WORK/hyperfine.log" 2>&1 || { cat "$BENCH_WORK/hyperfine.log" >&2; die "'$key' failed"; }
        MED[$key]=$(awk -F, 'NR==2 {printf "%.3f", $4}' "$csv")
        CPU[$key]=$(awk -F, 'NR==2 {printf "%.2f", $5 + $6}' "$csv") # mean user + system
        # hyperfine does not report memory: one more run under /usr/bin/time for peak RSS.
        [ -z "$prep" ] || sh -c "$prep" >/dev/null 2>&1
        timed_ok "$key" t sh -c "$cmd"
        RSS[$key]=$t_kb
        LAST_OUT[$key]=$(head -n 1 "$BENCH_WORK/last.log")
    else
        local times=() rss=() cpus=()
        [ -z "$prep" ] || sh -c "$prep" >/dev/null 2>&1
        timed_ok "$key" t sh -c "$cmd" # warm-up
        for ((i = 0; i < RUNS; i++)); do
            [ -z "$prep" ] || sh -c "$prep" >/dev/null 2>&1
            timed_ok "$key" t sh -c "$cmd"
            times+=("$t_s") rss+=("$t_kb") cpus+=("$t_cpu")
        done
        CPU[$key]=$(median "${cpus[@]}")
        LAST_OUT[$key]=$(head -n 1 "$BENCH_WORK/last.log")
        MED[$key]=$(median "${times[@]}")
        RSS[$key]=$(maxof "${rss[@]}")
    fi
}

q() { printf '%q' "$1"; }
V=$VAULT_SH
GIT_ROUND='git add -A && { git diff --cached --quiet || git commit -q -m sync; } && git fetch -q origin && git merge -q --no-edit origin/main && git push -q origin main'
edit_cmd() { printf 'echo "edit $(date +%%s%%N)" >> %s' "$(q "$1/$CHANGE_REL")"; }

bench_step vault_nochange "" "$V sync -C $(q "$VA")"
if [ -n "${BASE_JAR:-}" ]; then
    [ -f "$BASE_JAR" ] || die "BASE_JAR=$BASE_JAR does not exist"
    # the same command with the jar of the code before the change, on the same workspace
    if [ "${LAUNCHER:-0}" = 1 ]; then
        BASE_V="VAULT_JAR=$(q "$BASE_JAR") $V" # the launcher takes the jar from VAULT_JAR
    else
        BASE_V=${V//$(q "$VAULT_JAR")/$(q "$BASE_JAR")}
    fi
    bench_step base_nochange "" "$BASE_V sync -C $(q "$VA")"
fi
bench_step git_nochange "" "cd $(q "$GA") && $GIT_ROUND"
bench_step vault_status "" "$V status -C $(q "$VA")"
bench_step git_status "" "cd $(q "$GA") && git status"
bench_step vault_change "$(edit_cmd "$VA")" "$V sync -C $(q "$VA")"
bench_step git_change "$(edit_cmd "$GA")" "cd $(q "$GA") && $GIT_ROUND"
bench_step vault_receive "$(edit_cmd "$VA") && $V sync -C $(q "$VA")" "$V sync -C $(q "$VB")"
bench_step git_receive "$(edit_cmd "$GA") && cd $(q "$GA") && $GIT_ROUND" "cd $(q "$GB") && $GIT_ROUND"

# Both computers must now hold the same files (the benchmark is void otherwise).
vault sync -C "$VA" >/dev/null 2>&1 || true
vault sync -C "$VB" >/dev/null 2>&1 || true
if [ "$(datasets digest "$VA")" = "$(datasets digest "$VB")" ]; then VAULT_SAME=yes; else VAULT_SAME=NO; fi
(cd "$GB" && sh -c "$GIT_ROUND") >/dev/null 2>&1 || true
if [ "$(datasets digest "$GA")" = "$(datasets digest "$GB")" ]; then GIT_SAME=yes; else GIT_SAME=NO; fi

# Warm rounds inside one JVM (the daemon's situation), through the CLI's in-process entry point.
say "bench: warm in-process rounds ($WARM_ROUNDS per step)"
WARM_OUT=$BENCH_WORK/warm.txt
# shellcheck disable=SC2086
if java -XX:+UseSerialGC "-Duser.home=$BENCH_HOME" ${VAULT_JAVA_OPTS:-} -cp "$VAULT_JAR" \
        "$BENCH_ROOT/bench/WarmRounds.java" "$WARM_ROUNDS" "$VA" "$VB" "$CHANGE_REL" >"$WARM_OUT" 2>"$BENCH_WORK/warm.err"; then
    while read -r key value; do MED[$key]=$value; done <"$WARM_OUT"
else
    say "bench: the warm harness failed:"; tail -n 20 "$BENCH_WORK/warm.err" >&2
fi


# ssh hubs: a no-change vault sync round against C git's fetch && push over the same OpenSSH sshd on
# 127.0.0.1 (its own host key, config and authorized_keys in the scratch folder), small workspaces so
# that the transport is what is measured.
SSH_DONE=0
if [ "${SSH:-1}" = 1 ] && [ -x /usr/sbin/sshd ] && have ssh && have ssh-keygen && have python3; then
    say "bench: ssh rounds (sshd on 127.0.0.1, $SSH_FILES files)"
    SD=$W/sshd
    mkdir -p "$SD" /run/sshd "$BENCH_HOME/.ssh"
    chmod 700 "$BENCH_HOME/.ssh"
    ssh-keygen -q -t ed25519 -N '' -f "$SD/host_ed25519"
    ssh-keygen -q -t ed25519 -N '' -f "$BENCH_HOME/.ssh/id_ed25519"
    cp "$BENCH_HOME/.ssh/id_ed25519.pub" "$SD/authorized_keys"
    : >"$SD/sshd_config"
    SSH_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    /usr/sbin/sshd -D -e -f "$SD/sshd_config" -p "$SSH_PORT" -o ListenAddress=127.0.0.1 -h "$SD/host_ed25519" \
        -o AuthorizedKeysFile="$SD/authorized_keys" -o PasswordAuthentication=no -o StrictModes=no -o UseDNS=no \
        -o PidFile="$SD/sshd.pid" >"$SD/sshd.log" 2>&1 &
    SSHD_PID=$!
    OLD_EXIT=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")
    # shellcheck disable=SC2064
    trap "kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null; $OLD_EXIT" EXIT
    echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$SD/host_ed25519.pub")" >"$BENCH_HOME/.ssh/known_hosts"
    printf 'Host 127.0.0.1\n  IdentityFile %s\n  UserKnownHostsFile %s\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n' \
        "$BENCH_HOME/.ssh/id_ed25519" "$BENCH_HOME/.ssh/known_hosts" >"$BENCH_HOME/.ssh/config"
    export GIT_SSH_COMMAND="ssh -F $BENCH_HOME/.ssh/config"
    for _ in $(seq 100); do ssh -F "$BENCH_HOME/.ssh/config" -p "$SSH_PORT" "$(id -un)@127.0.0.1" true 2>/dev/null && break; sleep 0.1; done
    SSH_URL="ssh://$(id -un)@127.0.0.1:$SSH_PORT"
    SMALL=$W/ssh-data
    mkdir -p "$SMALL"
    (cd "$W/data" && find . -type f | LC_ALL=C sort | head -n "$SSH_FILES" |
        while IFS= read -r f; do mkdir -p "$SMALL/$(dirname "$f")"; cp -p "$f" "$SMALL/$f"; done)
    git init -q --bare -b main "$W/ssh/vault-hub.git"
    git init -q --bare -b main "$W/ssh/git-hub.git"
    VS=$W/ssh/vault-ws GS=$W/ssh/git-ws
    cp -a "$SMALL" "$VS"
    cp -a "$SMALL" "$GS"
    timed_ok "vault init over ssh" t "${VAULT_ARGV[@]}" init "$VS" --hub "$SSH_URL$W/ssh/vault-hub.git" --name ssh-alpha
    timed_ok "git push over ssh" t sh -c 'cd "$1" && git init -q -b main && git add -A && git commit -q -m first &&
        git remote add origin "$2" && git push -q -u origin main' sh "$GS" "$SSH_URL$W/ssh/git-hub.git"
    bench_step vault_ssh_nochange "" "$V sync -C $(q "$VS")"
    bench_step git_ssh_fetchpush "" "cd $(q "$GS") && git fetch -q origin && git push -q origin main"
    # the daemon's situation: the same rounds warm inside one JVM (a second computer joins for them)
    timed_ok "vault join over ssh" t "${VAULT_ARGV[@]}" join "$SSH_URL$W/ssh/vault-hub.git" "$W/ssh/vault-ws2" --name ssh-beta
    SSH_CHANGE_REL=$(cd "$VS" && find . -type f -not -path './.git/*' | LC_ALL=C sort | head -n 1)
    # shellcheck disable=SC2086
    if java -XX:+UseSerialGC "-Duser.home=$BENCH_HOME" ${VAULT_JAVA_OPTS:-} -cp "$VAULT_JAR" \
            "$BENCH_ROOT/bench/WarmRounds.java" "$WARM_ROUNDS" "$VS" "$W/ssh/vault-ws2" "$SSH_CHANGE_REL" >"$BENCH_WORK/warm-ssh.txt" 2>"$BENCH_WORK/warm-ssh.err"; then
        while read -r key value; do MED[ssh_$key]=$value; done <"$BENCH_WORK/warm-ssh.txt"
    else
        say "bench: the warm ssh harness failed:"; tail -n 20 "$BENCH_WORK/warm-ssh.err" >&2
    fi
    SSH_DONE=1
else
    say "bench: ssh rounds skipped (SSH=0, or no /usr/sbin/sshd: apt-get install openssh-server)"
fi

row() { # label vault_key git_key time_target
    local v=${MED[$2]:--} g=${MED[$3]:--} vr=${RSS[$2]:--} gr=${RSS[$3]:--} vc=${CPU[$2]:--} gc=${CPU[$3]:--} tt=$4 rt=$5 verdict
    verdict=""
    if [ "$tt" != "-" ]; then verdict="time $(check "$v" '<=' "$tt")"; fi
    if [ "$rt" != "-" ] && [ "$vr" != "-" ]; then
        verdict="${verdict:+$verdict, }RSS $(awk -v k="$vr" 'BEGIN{ if (k*1024 <= 256e6) print "met"; else print "MISSED" }')"
    fi
    verdict=${verdict:--}
    printf '%-34s %9s %9s %9s %9s %9s %10s %10s  %-6s %s\n' "$1" "$v" "$g" "$(ratio "$v" "$g")" "$vc" "$gc" \
        "$(kib_to_mib "$vr")" "$(kib_to_mib "$gr")" "$tt" "$verdict"
}

{
    echo "== vault sync benchmark (issue 2) =="
    machine_info
    echo "vault jar: $VAULT_JAR"
    echo "vault command: ${VAULT_SH//$BENCH_WORK/<scratch>}"
    echo "dataset: $DATA_SUMMARY; seed $SEED; scale $SCALE"
    echo "timing: median of $RUNS runs after 1 warm-up ($([ "$USE_HYPERFINE" = 1 ] && echo "hyperfine $(hyperfine --version | cut -d' ' -f2)" || echo "shell loop")), from the shell, JVM start included; cpu = user+system s (mean); peak RSS from /usr/bin/time (MiB)"
    echo "page cache: warm (dataset read once before the runs); both tools on local bare hubs in the same scratch folder"
    echo "warm rows: median of $WARM_ROUNDS rounds inside one JVM via VaultCli.execute (after 3 warm-up rounds); git column = shell git"
    echo
    printf '%-34s %9s %9s %9s %9s %9s %10s %10s  %-6s %s\n' "step" "vault s" "git s" "vault/git" "vault cpu" "git cpu" "vault MiB" "git MiB" "target" "verdict"
    row "set-up: init (first commit + push)" vault_init git_init - -
    row "set-up: join (clone)" vault_join git_join - -
    row "no-change sync" vault_nochange git_nochange 1.5 rss
    [ -z "${BASE_JAR:-}" ] || row "no-change sync, before (BASE_JAR)" base_nochange git_nochange - -
    row "status" vault_status git_status 1.5 -
    row "one-file change synced" vault_change git_change 2.0 rss
    row "change received (other computer)" vault_receive git_receive - rss
    row "no-change sync, warm in-process" warm_nochange git_nochange 0.3 -
    row "status, warm in-process" warm_status git_status 0.3 -
    row "one-file change synced, warm" warm_change git_change 0.3 -
    row "change received, warm" warm_receive git_receive 0.3 -
    if [ "$SSH_DONE" = 1 ]; then
        row "ssh: no-change sync vs fetch+push" vault_ssh_nochange git_ssh_fetchpush - -
        row "ssh: no-change sync, warm in-process" ssh_warm_nochange git_ssh_fetchpush - -
        row "ssh: one-file change synced, warm" ssh_warm_change git_ssh_fetchpush - -
    fi
    echo
    if [ "$SSH_DONE" = 1 ]; then
        echo "ssh (issue 11): vault no-change round ${MED[vault_ssh_nochange]} s vs C git fetch && push ${MED[git_ssh_fetchpush]} s over the same sshd ($SSH_FILES files): ratio $(ratio "${MED[vault_ssh_nochange]}" "${MED[git_ssh_fetchpush]}"), target <= 1.3: $(check "$(ratio "${MED[vault_ssh_nochange]}" "${MED[git_ssh_fetchpush]}")" '<=' 1.3)"
    fi
    echo "targets (issue 2): shell no-change sync and status <= 1.5 s; one-file change <= 2 s; warm rounds <= 0.3 s; peak RSS of a sync round <= 256 MB (= 244 MiB)"
    echo "workspaces equal after the runs: vault $VAULT_SAME, git $GIT_SAME"
    echo "vault's own words: no-change sync: '${LAST_OUT[vault_nochange]:-}'; one-file change: '${LAST_OUT[vault_change]:-}'; received: '${LAST_OUT[vault_receive]:-}'"
}
