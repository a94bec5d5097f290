# End to end on 40 molecules, tiny config: preprocess (GNU parallel) -> pretrain (loss must fall)
# -> fine-tune 2D and 3D from the pretrained encoder -> encode -> evaluate (well-formed) -> embed.
need_cmd parallel zstd jq
P=$MB_ROOT/pipelines
sdf=$(fixture good/pipelines/bzr40.sdf)
$P/preprocess -o shards "$sdf" 2>pre.err || { cat pre.err; fail "preprocess"; }
[ "$(mpk2json --no-header shards/*.rel.mpk.zst | wc -l)" -eq 40 ] || fail "expected 40 relation records"

$P/pretrain -c tiny -e 12 -b 8 -l 2e-3 -w 5 -t 1 -o pre shards/*.rel.mpk.zst 2>pretrain.err ||
    { cat pretrain.err; fail "pretrain"; }
[ -s pre/pretrain.ckpt ] || fail "no pretraining checkpoint"
# loss falls: mean of the first 5 logged updates > mean of the last 5
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "loss") c = i; next }
    $1 == "train" { v[++n] = $c }
    END { if (n < 20) { print "too few rows " n; exit 1 }
          for (i = 1; i <= 5; i++) { a += v[i]; b += v[n - 5 + i] }
          printf "pretrain loss first5 %.4f last5 %.4f\n", a / 5, b / 5; exit !(b < a) }' pre/metrics.tsv ||
    fail "pretraining loss did not fall"

for mode in 2d 3d; do
    $P/finetune -L ACTIVITY -T regression -m $mode -S random -s 1 -c tiny -e 4 -b 8 -l 1e-3 -t 1 \
        -i pre/pretrain.ckpt -o ft-$mode "$sdf" > table-$mode.txt 2>ft-$mode.err ||
        { cat ft-$mode.err ft-$mode/train.log 2>/dev/null | tail -n 30; fail "finetune $mode"; }
    grep_q 'ACTIVITY' table-$mode.txt
    jq -e '.tasks[0].name == "ACTIVITY" and (.tasks[0].rmse | type == "number")
           and (.tasks[0].mae | type == "number") and .tasks[0].n > 0' ft-$mode/results.json >/dev/null ||
        { cat ft-$mode/results.json; fail "results.json malformed ($mode)"; }
    [ "$(mpk2json --no-header ft-$mode/test.pred.mpk | jq '.pred | length' | sort -u)" = 1 ] ||
        fail "pred must have one value per test molecule ($mode)"
done

$P/embed -i pre/pretrain.ckpt -j "$sdf" > emb.jsonl 2>embed.err || { cat embed.err; fail "embed"; }
[ "$(wc -l < emb.jsonl)" -eq 40 ] || fail "embed: expected 40 lines"
[ "$(head -n 1 emb.jsonl | jq '.emb | length')" -eq 16 ] || fail "embed: tiny embeddings have 16 values"
