# Sourced by tests/cli/conformance/*.sh (after tests/lib.sh): builds small valid inputs for every
# tool in the case's scratch dir and describes how to run each tool on them.
#   conf_inputs [ckpt]   build mol.mpk rel.mpk bl.mpk mol.jsonl pred.mpk (and c.ckpt with "ckpt")
#   conf_cmd TOOL        print the command line (word list) that runs TOOL on a valid input
#                        from stdin; the caller appends nothing else.
#   STREAM_TOOLS         tools that read a moleblend.mol msgpack stream on stdin
#   ALL_TOOLS            every tool in cmds/
# The inputs: bzr40.sdf (40 molecules with 3D) -> conformer-ingest -> relation-build -> blend-mask.

# Under the sanitizers a report must never look like a documented exit status (ASan and UBSan
# exit 1 by default, which is also "bad data"): give them their own codes.
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=87:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

ALL_TOOLS="conformer-ingest relation-build blend-mask split train-step encode evaluate mpk2json
json2mpk mpk-shard ckpt-info"
STREAM_TOOLS="relation-build blend-mask split train-step encode evaluate mpk2json mpk-shard"
CONF_SDF=$MB_ROOT/tests/data/good/pipelines/bzr40.sdf

conf_inputs() {
    [ -f "$CONF_SDF" ] || fail "missing $CONF_SDF"
    conformer-ingest -q "$CONF_SDF" > mol.mpk
    relation-build -q mol.mpk > rel.mpk
    blend-mask -q rel.mpk > bl.mpk
    mpk2json mol.mpk > mol.jsonl
    # prediction records for evaluate: 12 records with a label y and a prediction
    awk 'BEGIN { for (i = 0; i < 12; i++)
        printf "{\"id\":\"p%d\",\"rec\":%d,\"n\":0,\"nb\":0,\"labels\":{\"y\":%d},\"pred\":[%.2f]}\n",
            i, i, i % 2, (i % 3) / 3.0 }' | json2mpk -q > pred.mpk
    if [ "${1:-}" = ckpt ]; then
        train-step -q --pretrain --config tiny --batch 4 --steps 2 --save c.ckpt bl.mpk
    fi
}

# conf_cmd TOOL: the command (reading stdin unless the tool takes no stream) and its input file
conf_cmd() {
    case $1 in
    conformer-ingest) echo "conformer-ingest -q --format sdf" ;;
    relation-build) echo "relation-build -q" ;;
    blend-mask) echo "blend-mask -q" ;;
    split) echo "split -q --scaffold" ;;
    train-step) echo "train-step -q --config tiny --batch 4 --steps 2 --max-atoms 64" ;;
    encode) echo "encode -q --ckpt c.ckpt" ;;
    evaluate) echo "evaluate -q --labels y" ;;
    mpk2json) echo "mpk2json -q" ;;
    json2mpk) echo "json2mpk -q" ;;
    mpk-shard) echo "mpk-shard -q --take 0/1" ;;
    ckpt-info) echo "ckpt-info c.ckpt" ;;
    *) fail "conf_cmd: unknown tool $1" ;;
    esac
}

# conf_input TOOL: the valid input file for TOOL
conf_input() {
    case $1 in
    conformer-ingest) echo "$CONF_SDF" ;;
    relation-build) echo mol.mpk ;;
    blend-mask | split | encode | mpk2json | mpk-shard) echo rel.mpk ;;
    train-step) echo bl.mpk ;;
    evaluate) echo pred.mpk ;;
    json2mpk) echo mol.jsonl ;;
    ckpt-info) echo /dev/null ;;
    esac
}

# conf_nocrash RC WHAT: fail when RC is not one of the documented exit codes 0..4
conf_nocrash() {
    [ "$1" -le 4 ] || fail "$2: exit $1 (not a documented exit code; > 128 = crash)"
}

# conf_summary ERRFILE: "IN OUT REJECTED" from a summary line "N records in, M <verb> ..., R
# rejected|bad" (or conformer-ingest's "read N, written M, rejected R"); fails if there is none
conf_summary() {
    local s
    s=$(sed -n -e 's/^[a-z0-9-]*: \([0-9]*\) records in, \([0-9]*\) [^,]*,.* \([0-9]*\) \(rejected\|bad\)$/\1 \2 \3/p' \
        -e 's/^[a-z0-9-]*: read \([0-9]*\), written \([0-9]*\), rejected \([0-9]*\).*/\1 \2 \3/p' "$1" | tail -n 1)
    [ -n "$s" ] || { cat "$1" >&2; fail "no summary line 'N records in, M out, R rejected' in $1"; }
    echo "$s"
}

# conf_balanced ERRFILE OUT REJ: the summary adds up (in = out + rejected) with these counts
conf_balanced() {
    local s
    s=$(conf_summary "$1")
    set -- $s "$2" "$3"
    [ "$1" -eq $(($2 + $3)) ] || fail "summary does not add up: in $1, out $2, rejected $3"
    [ "$2" -eq "$4" ] && [ "$3" -eq "$5" ] || fail "summary out $2 rejected $3, expected $4 and $5"
}
