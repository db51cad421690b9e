#!/usr/bin/env bash
# Replication benchmark for issue 4: "vault backup --all" to three targets against
# "vault backup --target" to one, first backup (new repositories) and a backup after edits.
# Target: --all to three <= 1.5x one. Prints a table; asserts nothing.
#
# Knobs (environment): SIZE_MB (dataset size, default 300), RUNS (default 3; medians reported),
# VAULT_JAR (default: cli/target/vault.jar, built with mvn package if missing), KEEP=1, TMPDIR.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-3}
VAULT_JAR=${VAULT_JAR:-$ROOT/cli/target/vault.jar}
if [ ! -f "$VAULT_JAR" ]; then
    echo "bench: building $VAULT_JAR" >&2
    (cd "$ROOT" && mvn -B -q -o -pl cli -am package -DskipTests) >&2
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/vault-targets-bench.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then trap 'echo "bench: kept $W" >&2' EXIT; else trap 'rm -rf "$W"' EXIT; fi
export VAULT_PASSWORD=bench-password-not-secret
vault() { java -XX:+UseSerialGC "-Duser.home=$W/home" -jar "$VAULT_JAR" "$@"; }

# Deterministic mixed dataset: 60% random binaries, 40% compressible text in many small files.
python3 - "$W/src" "$SIZE_MB" <<'PY'
import os, random, sys
root, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
os.makedirs(root, exist_ok=True)
binary = mb * 6 // 10
for i in range(max(1, binary // 20)):
    with open(os.path.join(root, f"blob-{i}.bin"), "wb") as f:
        f.write(rnd.randbytes(20 << 20))
words = [("w%d" % i) for i in range(5000)]
text = (mb - binary) << 20
n = 0
while text > 0:
    d = os.path.join(root, "src", "d%03d" % (n // 200))
    os.makedirs(d, exist_ok=True)
    body = (" ".join(rnd.choice(words) for _ in range(rnd.randint(200, 6000))) + "\n").encode()
    with open(os.path.join(d, "f%05d.txt" % n), "wb") as f:
        f.write(body)
    text -= len(body); n += 1
PY
edit() { # a day of edits: 20 text files changed, one new 5 MiB binary
    python3 - "$W/src" "$1" <<'PY'
import os, random, sys
root, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(root, "src")) for f in fs)
for p in rnd.sample(files, 20):
    with open(p, "a") as f: f.write("edited %d\n" % seed)
with open(os.path.join(root, "new-%d.bin" % seed), "wb") as f: f.write(rnd.randbytes(5 << 20))
PY
}

secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

setup() { # setup NAME N: fresh config with N nas targets backing up $W/src
    rm -rf "$W/cfg-$1" "$W/t-$1"; mkdir -p "$W/t-$1"
    for i in $(seq 1 "$2"); do
        VAULT_CONFIG_HOME=$W/cfg-$1 vault target add "t$i" --kind nas --path "$W/t-$1/r$i" --source "$W/src" --keep all >/dev/null
    done
}

declare -a one_first three_first one_edit three_edit
for r in $(seq 1 "$RUNS"); do
    setup one 1; setup three 3
    one_first+=("$(VAULT_CONFIG_HOME=$W/cfg-one secs vault backup --target t1)")
    three_first+=("$(VAULT_CONFIG_HOME=$W/cfg-three secs vault backup --all)")
    edit "$r"
    one_edit+=("$(VAULT_CONFIG_HOME=$W/cfg-one secs vault backup --target t1)")
    three_edit+=("$(VAULT_CONFIG_HOME=$W/cfg-three secs vault backup --all)")
    echo "bench: run $r done" >&2
done
m() { printf '%s\n' "$@" | median; }
o1=$(m "${one_first[@]}"); o3=$(m "${three_first[@]}"); e1=$(m "${one_edit[@]}"); e3=$(m "${three_edit[@]}")
size=$(du -sm "$W/src" | cut -f1)
echo "vault backup --all to 3 targets vs --target to 1 (dataset ${size} MiB, median of $RUNS runs, wall s)"
printf '%-32s %10s %10s %8s\n' step "1 target" "3 targets" ratio
printf '%-32s %10.2f %10.2f %8.2f\n' "first backup (new repositories)" "$o1" "$o3" "$(echo "$o3 / $o1" | bc -l)"
printf '%-32s %10.2f %10.2f %8.2f\n' "after a day of edits" "$e1" "$e3" "$(echo "$e3 / $e1" | bc -l)"
echo "target: ratio <= 1.5"
