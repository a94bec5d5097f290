# real data end to end: PCQM4Mv2 SDF -> conformer-ingest -> relation-build -> blend-mask (2 epochs)
# -> train-step pretraining -> encode; then BBBP SMILES -> scaffold split -> fine-tuning from the
# pretrained encoder with validation and best-checkpoint keeping -> encode predictions
need_data pcqm4mv2/pcqm4mv2-2k.sdf.gz moleculenet/bbbp.csv
conformer-ingest "$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz" 2>/dev/null | relation-build >all.rel
mpk2json <all.rel >all.json
head -n 41 all.json | json2mpk >rel.mpk
for e in 0 1; do blend-mask --epoch $e --seed 1 rel.mpk; done >bl.mpk
train-step --config tiny --batch 8 --steps 10 --seed 1 -q --save pre.ckpt --metrics m.tsv bl.mpk
awk -F'\t' '$1 == "train" { n++; for (i = 5; i <= 9; i++) if ($i == "-" || $i + 0 != $i + 0) bad++ }
    END { exit !(n == 10 && bad == 0) }' m.tsv || { cat m.tsv >&2; fail "pretraining metrics"; }
encode --ckpt pre.ckpt --atoms rel.mpk >enc.mpk
[ "$(count_recs enc.mpk)" -eq 40 ] || fail "encode lost records"
mpk2json <enc.mpk | python3 -c '
import sys, json, math
for l in sys.stdin:
    d = json.loads(l)
    if "schema" in d: continue
    assert len(d["emb"]) == 16 and len(d["aemb"]) == 16 * d["n"]
    assert all(math.isfinite(x) for x in d["emb"])
' || fail "encode output"
# BBBP: 2D fine-tuning on the scaffold train split, validation on the valid split
conformer-ingest "$MB_DATA/moleculenet/bbbp.csv" 2>/dev/null | relation-build 2>/dev/null |
    split --scaffold >bb.mpk
train-step --finetune --task classification --labels p_np --init pre.ckpt --batch 32 --steps 20 \
    --lr 1e-3 --seed 1 --split train --valid bb.mpk --valid-split valid --eval-every 10 \
    --best best.ckpt --metrics f.tsv bb.mpk 2>err.txt
grep_q '408 of another split' err.txt
[ "$(grep -c '^valid' f.tsv)" -eq 2 ] || fail "expected 2 validation rows"
ckpt-info --no-tensors best.ckpt >best.info
grep_q '^labels	1 p_np$' best.info
grep_q '^input_mode	2d$' best.info
encode --ckpt best.ckpt --max-atoms 160 bb.mpk >pred.mpk
[ "$(count_recs pred.mpk)" -eq "$(count_recs bb.mpk)" ] || fail "encode lost records"
