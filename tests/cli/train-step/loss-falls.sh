# pretraining on a tiny fixture: the loss falls over 60 steps (mean of the last 10 steps below
# 90% of the first 10), and so does a fine-tuning classification loss
mkmols -n 32 -s 5 >tr.mpk
train-step --config tiny --batch 8 --lr 3e-3 --warmup 5 --steps 60 --epochs 100 --dropout 0,0,0,0 \
    --seed 1 -q --metrics m.tsv tr.mpk
awk -F'\t' '$1=="train"{l[$2]=$5} END{for(i=1;i<=10;i++){a+=l[i];b+=l[50+i]}
    printf "first %.4f last %.4f\n", a/10, b/10; exit !(b < 0.9*a)}' m.tsv >&2 ||
    fail "pretraining loss did not fall"
mkmols -n 32 -s 6 --mode none >ft.mpk
train-step --finetune --task classification --labels hasO,hasN --config tiny --batch 8 --lr 3e-3 \
    --warmup 5 --epochs 15 --seed 1 -q --metrics f.tsv ft.mpk
awk -F'\t' '$1=="train"{n++; l[n]=$5} END{for(i=1;i<=10;i++){a+=l[i];b+=l[n-10+i]}
    printf "first %.4f last %.4f\n", a/10, b/10; exit !(b < 0.9*a)}' f.tsv >&2 ||
    fail "fine-tuning loss did not fall"
