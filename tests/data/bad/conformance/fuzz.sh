#!/usr/bin/env bash
# Mutation fuzzing of every tool (not part of make test; time-boxed).
#   BUILD=build-conf-san bash tests/data/bad/conformance/fuzz.sh [N] [OUTDIR] [TOOL...]
# Runs each tool on N mutated inputs (fuzz-mol mutate SEED: bit flips, truncations, duplicated /
# deleted / inserted chunks; TOOL:sem: fuzz-mol corrupt rand:SEED, a plausible record with one
# array element set to a boundary value) derived from small valid inputs: msgpack streams of every stage,
# SDF / SMILES / CSV / XYZ files, a checkpoint. Every exit status must be 0..4 within 20 s with no
# sanitizer report; anything else is copied to OUTDIR/<tool>-<seed>.in with the command line in
# OUTDIR/<tool>-<seed>.cmd and the stderr in OUTDIR/<tool>-<seed>.err. Prints a table at the end.
# Use the ASan+UBSan build (BUILD=build-conf-san) to catch memory errors that do not crash.
set -u -o pipefail
root=$(cd "$(dirname "$0")/../../../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
N=${1:-300}
OUT=${2:-/tmp/mb-fuzz}
shift 2 2>/dev/null || shift $#
TOOLS=${*:-"conformer-ingest:sdf conformer-ingest:smi conformer-ingest:csv conformer-ingest:xyz
conformer-ingest:gz conformer-ingest:zst conformer-ingest:zip conformer-ingest:tgz
relation-build blend-mask split encode encode:ckpt train-step evaluate mpk2json json2mpk mpk-shard
ckpt-info relation-build:sem blend-mask:sem split:sem encode:sem train-step:sem"}
export PATH=$BUILD/bin:$BUILD/tests/tools:$PATH LC_ALL=C OPENBLAS_NUM_THREADS=1
# allocator_may_return_null: a huge msgpack length makes malloc fail (exit 3) as without ASan
export ASAN_OPTIONS=exitcode=86:detect_leaks=0:abort_on_error=0:allocator_may_return_null=1
export UBSAN_OPTIONS=exitcode=87:halt_on_error=1:print_stacktrace=1
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/mbfuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 3

# small valid bases (5 molecules) so that each run is quick
sdf=$root/tests/data/good/pipelines/bzr40.sdf
awk '{ print } /^\$\$\$\$/ { if (++k == 5) exit }' "$sdf" > base.sdf
conformer-ingest -q base.sdf > mol.mpk
relation-build -q mol.mpk > rel.mpk
blend-mask -q rel.mpk > bl.mpk
mpk2json mol.mpk > mol.jsonl
head -n 8 "$root/tests/data/good/ingest/mols.smi" > base.smi
head -n 8 "$root/tests/data/good/ingest/mols.csv" > base.csv
cp "$root/tests/data/good/ingest/mols.xyz" base.xyz
gzip -c base.sdf > base.sdf.gz
zstd -q -c base.sdf > base.sdf.zst 2>/dev/null || cp base.sdf.gz base.sdf.zst
cp base.smi b2.smi
zip -q base.zip base.sdf b2.smi 2>/dev/null || cp base.sdf.gz base.zip
tar czf base.tgz base.sdf b2.smi
awk 'BEGIN { for (i = 0; i < 6; i++)
    printf "{\"id\":\"p%d\",\"rec\":%d,\"n\":0,\"nb\":0,\"labels\":{\"y\":%d},\"pred\":[%.2f]}\n",
        i, i, i % 2, (i % 3) / 3.0 }' | json2mpk -q > pred.mpk
train-step -q --pretrain --config tiny --batch 2 --steps 1 --save c.ckpt bl.mpk || exit 3

# tool spec -> "base-file|command reading the mutated input at path IN"
spec() {
    case $1 in
    conformer-ingest:sdf) echo "base.sdf|conformer-ingest -k --format sdf IN" ;;
    conformer-ingest:smi) echo "base.smi|conformer-ingest -k --format smi IN" ;;
    conformer-ingest:csv) echo "base.csv|conformer-ingest -k --format csv IN" ;;
    conformer-ingest:xyz) echo "base.xyz|conformer-ingest -k --format xyz --perceive-bonds IN" ;;
    conformer-ingest:gz) echo "base.sdf.gz|conformer-ingest -k IN" ;;
    conformer-ingest:zst) echo "base.sdf.zst|conformer-ingest -k IN" ;;
    conformer-ingest:zip) echo "base.zip|conformer-ingest -k IN" ;;
    conformer-ingest:tgz) echo "base.tgz|conformer-ingest -k IN" ;;
    relation-build) echo "mol.mpk|relation-build -k IN" ;;
    blend-mask) echo "rel.mpk|blend-mask -k IN" ;;
    split) echo "rel.mpk|split -k --scaffold IN" ;;
    encode) echo "bl.mpk|encode -k --ckpt c.ckpt IN" ;;
    encode:ckpt) echo "c.ckpt|encode --ckpt IN rel.mpk" ;;
    train-step) echo "bl.mpk|train-step -k --config tiny --batch 2 --steps 1 IN" ;;
    evaluate) echo "pred.mpk|evaluate -k --labels y IN" ;;
    mpk2json) echo "rel.mpk|mpk2json IN" ;;
    json2mpk) echo "mol.jsonl|json2mpk -k IN" ;;
    mpk-shard) echo "rel.mpk|mpk-shard --take 0/2 IN" ;;
    ckpt-info) echo "c.ckpt|ckpt-info --stats IN" ;;
    # :sem = one element of one typed array of record 0..4 set to a boundary value
    relation-build:sem) echo "mol.mpk|relation-build -k IN" ;;
    blend-mask:sem) echo "rel.mpk|blend-mask -k IN" ;;
    split:sem) echo "rel.mpk|split -k --scaffold IN" ;;
    encode:sem) echo "bl.mpk|encode -k --ckpt c.ckpt IN" ;;
    train-step:sem) echo "bl.mpk|train-step -k --config tiny --batch 2 --steps 1 IN" ;;
    esac
}

printf '%-22s %6s %6s %6s %6s %6s %6s %6s\n' tool runs exit0 exit1 exit2 exit3 exit4 BAD
total_bad=0
for t in $TOOLS; do
    s=$(spec "$t")
    [ -n "$s" ] || { echo "unknown tool $t" >&2; continue; }
    base=${s%%|*} cmd=${s#*|}
    n=$N
    case $t in train-step* | encode*) n=$((N / 4)) ;; esac
    declare -A cnt=([0]=0 [1]=0 [2]=0 [3]=0 [4]=0)
    bad=0
    for ((seed = 1; seed <= n; seed++)); do
        case $t in
        *:sem) fuzz-mol corrupt rand:$seed $((seed % 5)) "$base" > in.bin 2>/dev/null || continue ;;
        *) fuzz-mol mutate $seed "$base" > in.bin 2>/dev/null || continue ;;
        esac
        rc=0
        timeout -k 5 20 ${cmd//IN/in.bin} > out.bin 2> err.txt < /dev/null || rc=$?
        if [ $rc -le 4 ] && ! grep -q 'Sanitizer\|runtime error' err.txt; then
            cnt[$rc]=$((cnt[$rc] + 1))
            continue
        fi
        bad=$((bad + 1))
        tag=$OUT/${t//:/-}-$seed
        cp in.bin "$tag.in"
        echo "exit $rc: ${cmd//IN/$tag.in}" > "$tag.cmd"
        head -c 20000 err.txt > "$tag.err"
    done
    printf '%-22s %6d %6d %6d %6d %6d %6d %6d\n' "$t" $n ${cnt[0]} ${cnt[1]} ${cnt[2]} ${cnt[3]} \
        ${cnt[4]} $bad
    total_bad=$((total_bad + bad))
    unset cnt
done
echo "$total_bad bad runs (repros in $OUT)"
[ $total_bad -eq 0 ]
