# Shared helpers for vault's benchmark scripts (sourced by sync-bench.sh and backup-bench.sh; bash).
# Provides: repo root, vault jar lookup, dataset tool, timing with peak RSS, medians, table output.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# A fresh scratch folder under $TMPDIR, removed on exit unless KEEP=1.
make_workdir() {
    BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/vault-bench.XXXXXX")
    BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
    if [ "${KEEP:-0}" = 1 ]; then
        trap 'say "bench: kept scratch folder $BENCH_WORK"' EXIT
    else
        trap 'rm -rf "$BENCH_WORK"' EXIT
    fi
    trap 'exit 130' INT TERM
}

# The vault jar: $VAULT_JAR, else build this checkout through the launcher (./vault --version).
find_vault_jar() {
    if [ -n "${VAULT_JAR:-}" ]; then
        [ -f "$VAULT_JAR" ] || die "VAULT_JAR=$VAULT_JAR does not exist; build it or unset VAULT_JAR."
    else
        say "bench: building vault through the launcher ($BENCH_ROOT/vault --version)"
        "$BENCH_ROOT/vault" --version >&2 || die "the launcher could not build vault; see the output above."
        VAULT_JAR="$BENCH_ROOT/cli/target/vault.jar"
    fi
    VAULT_JAR=$(cd "$(dirname "$VAULT_JAR")" && pwd)/$(basename "$VAULT_JAR")
    export VAULT_JAR
}

# Runs vault exactly like the launcher does (java -XX:+UseSerialGC -jar). user.home points into the
# scratch folder so JGit never reads or writes the real ~/.gitconfig. Call after isolate_home and
# find_vault_jar. VAULT_SH is the same command quoted for a shell (hyperfine).
# LAUNCHER=1 runs vault through the ./vault launcher instead (VAULT_JAR passed on), with exactly the
# JVM options a user gets per command (start-up archive, JIT settings); its archive is made here,
# untimed.
setup_vault_cmd() {
    if [ "${LAUNCHER:-0}" = 1 ]; then
        export VAULT_JAR
        export VAULT_JAVA_OPTS="-Duser.home=$BENCH_HOME ${VAULT_JAVA_OPTS:-}"
        VAULT_ARGV=("$BENCH_ROOT/vault")
        "$BENCH_ROOT/vault" --version >/dev/null || die "the launcher cannot run $VAULT_JAR"
    else
        # shellcheck disable=SC2206
        VAULT_ARGV=(java -XX:+UseSerialGC -Xmx200m "-Duser.home=$BENCH_HOME" ${VAULT_JAVA_OPTS:-} -jar "$VAULT_JAR")
    fi
    VAULT_SH=$(printf '%q ' "${VAULT_ARGV[@]}")
}
vault() {
    "${VAULT_ARGV[@]}" "$@"
}

# Fails with a clear message if the jar lacks a (sub)command, e.g. the feature is not merged yet.
# Reads the command lists of `vault --help` and `vault help <group>` (not every subcommand has
# its own --help option).
require_vault_command() {
    local listing
    listing=$(vault --help 2>&1 || true)
    if ! printf '%s\n' "$listing" | grep -qE "^ +$1( |\$)"; then
        die "the vault jar $VAULT_JAR has no 'vault $1' command (not merged yet?)"
    fi
    if [ $# -gt 1 ]; then
        listing=$(vault help "$1" 2>&1 || true)
        printf '%s\n' "$listing" | grep -qE "^ +$2( |\$)" || die "the vault jar $VAULT_JAR has no 'vault $1 $2' command (not merged yet?)"
    fi
}

# Isolated HOME / config for every tool, under the scratch folder.
isolate_home() {
    BENCH_HOME=$BENCH_WORK/home
    mkdir -p "$BENCH_HOME/.config"
    export HOME=$BENCH_HOME
    export XDG_CONFIG_HOME=$BENCH_HOME/.config
    export XDG_CACHE_HOME=$BENCH_HOME/.cache
    export VAULT_CONFIG_HOME=$BENCH_HOME/vault-config
    export GIT_CONFIG_NOSYSTEM=1
    export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
    export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
}

# The dataset tool (dev.vault.fixtures.Datasets), compiled from this checkout if needed.
datasets() {
    local classes=$BENCH_ROOT/test-fixtures/target/classes
    if [ ! -f "$classes/dev/vault/fixtures/Datasets.class" ]; then
        say "bench: compiling test-fixtures (mvn -q -B -pl test-fixtures compile)"
        (cd "$BENCH_ROOT" && mvn -q -B -pl test-fixtures compile >&2) || die "could not compile test-fixtures."
    fi
    java -XX:+UseSerialGC -cp "$classes" dev.vault.fixtures.Datasets "$@"
}

# Reads every file once so each tool starts from the same warm page cache (we cannot drop caches).
warm_cache() {
    find "$1" -type f -exec cat {} + >/dev/null
}

have() { command -v "$1" >/dev/null 2>&1; }

# timed OUT_PREFIX cmd...: runs cmd with stdout/stderr to $BENCH_WORK/last.log; sets
# ${OUT_PREFIX}_s (wall seconds, ns clock), ${OUT_PREFIX}_kb (peak RSS, KiB) and ${OUT_PREFIX}_cpu
# (user + system CPU seconds, less sensitive to other load than wall time); returns cmd's code.
timed() {
    local prefix=$1; shift
    local tf=$BENCH_WORK/time.out t0 t1 rc=0
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$tf" "$@" >"$BENCH_WORK/last.log" 2>&1 || rc=$?
    t1=$(date +%s%N)
    printf -v "${prefix}_s" '%s' "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')"
    printf -v "${prefix}_kb" '%s' "$(tail -n 1 "$tf" | cut -d' ' -f1)"
    printf -v "${prefix}_cpu" '%s' "$(tail -n 1 "$tf" | awk '{printf "%.2f", $2 + $3}')"
    return $rc
}

# timed_ok LABEL OUT_PREFIX cmd...: like timed, but dies with the command's output on failure.
timed_ok() {
    local label=$1; shift
    if ! timed "$@"; then
        say "bench: '$label' failed; its output:"
        tail -n 20 "$BENCH_WORK/last.log" >&2
        exit 1
    fi
}

# median of the arguments (numbers); average of the middle two for an even count; "-" if none.
median() {
    [ $# -gt 0 ] || { echo -; return; }
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) printf "%.3f", a[(NR+1)/2]; else printf "%.3f", (a[NR/2]+a[NR/2+1])/2 }'
}

# max of the arguments; "-" if none.
maxof() {
    [ $# -gt 0 ] || { echo -; return; }
    printf '%s\n' "$@" | sort -g | tail -n 1
}

# ratio A B → A/B with 2 decimals, "-" when either is missing or B is zero.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="-" || b=="-" || b+0==0) print "-"; else printf "%.2f", a/b }'
}

# kib_to_mib N → MiB with 0 decimals ("-" passes through).
kib_to_mib() {
    awk -v k="$1" 'BEGIN{ if (k=="-" || k=="") print "-"; else printf "%.0f", k/1024 }'
}

# bytes_to_mib N → MiB with 1 decimal.
bytes_to_mib() {
    awk -v b="$1" 'BEGIN{ if (b=="-" || b=="") print "-"; else printf "%.1f", b/1048576 }'
}

# check VALUE OP LIMIT → "met" / "MISSED" / "-" (OP is <= only, the only kind of target we have).
check() {
    awk -v v="$1" -v l="$3" 'BEGIN{ if (v=="-" || l=="-") print "-"; else if (v+0 <= l+0) print "met"; else print "MISSED" }'
}

# Size in bytes of a folder's files (apparent size, as a user copying it would see it).
dir_bytes() {
    du -sb "$1" | cut -f1
}

machine_info() {
    local cpu mem
    cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
    mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)
    printf 'machine: %s cores, %s, %s RAM, %s\n' "$(nproc)" "${cpu:-unknown CPU}" "${mem:-?}" "$(uname -sr)"
    printf 'java: %s\n' "$(java -version 2>&1 | head -n 2 | tail -n 1)"
    printf 'date: %s; load average at start: %s, at end: %s (above ~1, other work on the machine skews figures)\n' \
        "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "${BENCH_LOAD_START:-?}" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
}
