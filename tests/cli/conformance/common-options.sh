# the options every tool shares (common/cli.h) mean the same in every tool: long forms of -q/-v
# everywhere; --zstd, --zstd=L and --zstd L on every tool that writes a stream, with identical
# records after decompression; bad levels exit 2; a missing option argument names the option
. "$(fixture bad/conformance/setup.sh)"
conf_inputs ckpt
magic() { head -c 4 "$1" | od -An -tx1 | tr -d ' \n'; }
for t in $ALL_TOOLS; do
    cmd=$(conf_cmd $t)
    for o in --quiet --verbose; do
        expect_code 0 $cmd $o < "$(conf_input $t)" > /dev/null 2> err.txt
    done
done
for t in conformer-ingest relation-build blend-mask split encode json2mpk mpk-shard; do
    cmd=$(conf_cmd $t)
    in=$(conf_input $t)
    $cmd < "$in" > plain.mpk
    [ "$(magic plain.mpk)" != 28b52ffd ] || fail "$t: output compressed without --zstd"
    mpk2json plain.mpk > plain.json
    for z in "--zstd" "--zstd=1" "--zstd 7"; do
        $cmd $z < "$in" > z.mpk
        [ "$(magic z.mpk)" = 28b52ffd ] || fail "$t $z: output not zstd"
        mpk2json z.mpk > z.json
        cmp -s plain.json z.json || fail "$t $z: records differ from the plain run"
    done
    $cmd --zstd 0 < "$in" > z0.mpk
    cmp -s plain.mpk z0.mpk || fail "$t --zstd 0: not the plain stream"
    for bad in "--zstd=20" "--zstd=x" "--zstd 99"; do
        expect_code 2 $cmd $bad < "$in" > out.txt 2> err.txt
        [ ! -s out.txt ] || fail "$t $bad wrote to stdout"
        grep_q "^$t: --zstd" err.txt
    done
done
# a level-like operand after a bare --zstd is the level; ./N is a file
conformer-ingest -q --zstd 5 "$CONF_SDF" > z5.mpk
[ "$(magic z5.mpk)" = 28b52ffd ] || fail "conformer-ingest --zstd 5 FILE: not zstd"
cp "$CONF_SDF" 5
conformer-ingest -q --format sdf --zstd ./5 > z5b.mpk
conformer-ingest -q --format sdf --zstd=3 ./5 > z3.mpk
cmp -s z3.mpk z5b.mpk || fail "conformer-ingest --zstd ./5: not level 3 over the file ./5"
# option errors name the option
expect_code 2 relation-build --max-atoms 2> err.txt
grep_q "^relation-build: option --max-atoms needs an argument" err.txt
expect_code 2 mpk-shard -n 2> err.txt
grep_q "^mpk-shard: option -n needs an argument" err.txt
expect_code 2 blend-mask -kx < /dev/null 2> err.txt
grep_q "^blend-mask: bad option -x" err.txt
expect_code 2 mpk2json --pretty=3 < /dev/null 2> err.txt
grep_q "^mpk2json: bad option --pretty=3" err.txt
