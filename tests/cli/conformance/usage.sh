# every tool: -h/--help usage on stdout exit 0, -V/--version exit 0, an unknown option or a bad
# option value exits 2 with "tool: ..." on stderr and nothing on stdout
. "$(fixture bad/conformance/setup.sh)"
for t in $ALL_TOOLS; do
    for h in -h --help; do
        expect_code 0 $t $h > out.txt 2> err.txt
        grep_q "^usage: $t" out.txt
        [ ! -s err.txt ] || { cat err.txt >&2; fail "$t $h wrote to stderr"; }
    done
    for v in -V --version; do
        expect_code 0 $t $v > out.txt 2> err.txt
        grep_q "^$t [0-9]" out.txt
    done
    for bad in --no-such-option -Z; do
        expect_code 2 $t $bad < /dev/null > out.txt 2> err.txt
        [ ! -s out.txt ] || fail "$t $bad wrote to stdout"
        head -n 1 err.txt | grep -q "^$t: ." || { cat err.txt >&2; fail "$t $bad: no '$t: ' message"; }
    done
done
# bad option values (a number that is not one, out of range, a bad choice): exit 2, one message
while IFS='|' read -r t args; do
    [ -n "$t" ] || continue
    expect_code 2 $t $args < /dev/null > out.txt 2> err.txt
    [ ! -s out.txt ] || fail "$t $args wrote to stdout"
    head -n 1 err.txt | grep -q "^$t: ." || { cat err.txt >&2; fail "$t $args: no '$t: ' message"; }
done <<'CASES'
conformer-ingest|--max-atoms abc
conformer-ingest|--max-atoms -1
conformer-ingest|--format pdb
conformer-ingest|--zstd=99
relation-build|--max-atoms 0x
relation-build|--zstd -5
blend-mask|--mode 4d
blend-mask|--pair-prob 0.5,0.5
blend-mask|--noise nan
blend-mask|--seed 1e
split|--frac 0.8,0.1
split|--random --frac 0.8,0.1,x
split|--random --seed -
train-step|--config huge
train-step|--batch 0
train-step|--lr abc
train-step|--steps -3
encode|--ckpt
encode|--ckpt c.ckpt --batch 0
encode|--ckpt c.ckpt --mode 4d
evaluate|--task ranking
json2mpk|--zstd=abc
mpk-shard|--take 3/2
mpk-shard|-n 0 -o x%d
mpk-shard|-n 2 -o nopattern
mpk2json|--pretty=3
ckpt-info|
CASES
