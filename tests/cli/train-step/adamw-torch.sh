# AdamW (common/optim.c) against torch.optim.AdamW on the same parameters and 5 gradients
need_py torch numpy
/usr/bin/python3 "$MB_ROOT/tests/bench/adamw-torch.py" "$MB_BUILD/tests/tools/adamw-run" 20000 5
