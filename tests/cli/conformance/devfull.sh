# every tool: a write error on its output (> /dev/full) exits 3 with a message on stderr
. "$(fixture bad/conformance/setup.sh)"
[ -w /dev/full ] || skip "no /dev/full"
conf_inputs ckpt
for t in $ALL_TOOLS; do
    cmd=$(conf_cmd $t)
    case $t in
    train-step) expect_code 3 $cmd --metrics /dev/full < "$(conf_input $t)" 2> err.txt ;;
    *) expect_code 3 $cmd < "$(conf_input $t)" > /dev/full 2> err.txt ;;
    esac
    grep -q "^$t: .*\(space\|write\|/dev/full\|stdout\)" err.txt ||
        { cat err.txt >&2; fail "$t > /dev/full: no write error message"; }
done
# compressed output and the file-writing options too
expect_code 3 blend-mask -q --zstd 3 rel.mpk > /dev/full 2> /dev/null
expect_code 3 conformer-ingest -q --zstd "$CONF_SDF" > /dev/full 2> /dev/null
expect_code 3 evaluate -q --labels y --json /dev/full pred.mpk > /dev/null 2> /dev/null
expect_code 3 split -q --scaffold --groups /dev/full rel.mpk > /dev/null 2> /dev/null
expect_code 3 mpk2json --pretty rel.mpk > /dev/full 2> /dev/null
# output files that cannot be created: exit 3 naming the file
expect_code 3 conformer-ingest -q --reject no/dir/r.txt "$CONF_SDF" > /dev/null 2> err.txt
grep_q 'no/dir/r.txt' err.txt
expect_code 3 split -q --scaffold --out no/dir/x rel.mpk > /dev/null 2> err.txt
grep_q 'no/dir/x' err.txt
expect_code 3 mpk-shard -q -n 2 -o 'no/dir/s%d.mpk' rel.mpk 2> err.txt
grep_q 'no/dir/s' err.txt
expect_code 3 evaluate -q --labels y --json no/dir/e.json pred.mpk > /dev/null 2> err.txt
grep_q 'no/dir/e.json' err.txt
expect_code 3 train-step -q --config tiny --batch 4 --steps 2 --save no/dir/c.ckpt bl.mpk 2> err.txt
grep_q 'no/dir/c.ckpt' err.txt
expect_code 3 train-step -q --config tiny --batch 4 --steps 2 --metrics no/dir/m.tsv bl.mpk 2> err.txt
grep_q 'no/dir/m.tsv' err.txt
