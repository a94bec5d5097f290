# torch-oracle: the C model, through encode / train-step and the checkpoint format, agrees with the
# PyTorch reference (tests/bench/torch_moleblend.py via ckpt2torch.py) on 20 real PCQM4Mv2
# molecules, tiny config, scrambled weights: embeddings (blend, 2d, 3d), the four pretraining
# loss parts, the total and the gradient norm within 1e-4 relative, and the per-element gradient
# signs of all 48 parameter tensors after one AdamW step (forward-vs-torch.sh).
need_data pcqm4mv2/pcqm4mv2-2k.sdf.gz
need_py torch msgpack
need_cmd zstd
rc=0
BUILD=$MB_BUILD bash "$MB_ROOT/tests/bench/forward-vs-torch.sh" tiny 100 8 0.3 >out.txt 2>&1 || rc=$?
cat out.txt
[ $rc -ne 77 ] || skip "$(tail -n 1 out.txt)"
[ $rc -eq 0 ] || fail "C model and PyTorch reference disagree (exit $rc)"
grep_q "forward-vs-torch: OK" out.txt
[ "$(grep -c ' ok$' out.txt)" -eq 9 ] || fail "expected 9 agreeing checks"
grep_q "grad-check: 48/48 tensors agree" out.txt
