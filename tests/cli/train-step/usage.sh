# train-step: --help, bad options and impossible combinations are usage errors (exit 2)
train-step --help >h.txt
grep_q 'usage: train-step' h.txt
grep_q '--resume' h.txt
expect_code 2 train-step --bogus
expect_code 2 train-step --finetune --labels a
expect_code 2 train-step --finetune --task classification
expect_code 2 train-step --task regression --labels a
expect_code 2 train-step --config huge
expect_code 2 train-step --batch 0
expect_code 2 train-step --loss-weights 1,2
expect_code 2 train-step --init a --resume b
mkmols -n 4 >t.mpk
# stdin cannot be read twice
expect_code 2 train-step --config tiny --epochs 2 <t.mpk
