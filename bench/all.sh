#!/usr/bin/env bash
# Runs every vault benchmark (sync, then backup) in one go and writes the report tables to
# bench/out/<UTC date-time>.txt (bench/out is git-ignored); progress goes to stderr. Knobs: see
# sync-bench.sh and backup-bench.sh; SYNC_JAR / BACKUP_JAR override VAULT_JAR for one of the two.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/out"
out=$here/out/$(date -u +%Y-%m-%dT%H%M%SZ).txt
set +e
{
    rc=0
    VAULT_JAR=${SYNC_JAR:-${VAULT_JAR:-}} "$here/sync-bench.sh" || { rc=$?; echo "sync-bench.sh failed (exit $rc); see its messages above."; }
    echo
    VAULT_JAR=${BACKUP_JAR:-${VAULT_JAR:-}} "$here/backup-bench.sh" || { rc=$?; echo "backup-bench.sh failed (exit $rc); see its messages above."; }
    exit "$rc"
} | tee "$out"
rc=${PIPESTATUS[0]}
echo "report written to $out" >&2
exit "$rc"
