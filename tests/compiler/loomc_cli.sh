#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Smoke test of the loomc command line (run from the repository root): synth writes a
# loadable model of each weight type, deterministically; info reports it; bad input
# gives exit status 2 (usage) or 1 (failure) and a message.
set -u
loomc=build/compiler/loomc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
check() { # description, command...
    local what=$1; shift
    if ! "$@"; then echo "FAIL: $what"; fail=1; fi
}
args=(--dim 64 --hidden 96 --heads 4 --kv-heads 2 --layers 2 --vocab 100 --context 128)
for t in f32 f16 q8_0 q4_0; do
    check "synth $t" "$loomc" synth --out "$dir/$t.gguf" "${args[@]}" --type "$t" --seed 3
    "$loomc" info "$dir/$t.gguf" > "$dir/$t.txt"
    check "info $t exit" test $? -eq 0
    check "info $t hparams" grep -q "llama: dim 64, hidden 96, layers 2, heads 4, kv-heads 2, head_dim 16, vocab 100, context 128" "$dir/$t.txt"
    check "info $t tensor" grep -Eq "blk\.1\.ffn_down\.weight +$t +\{96, 64\}" "$dir/$t.txt"
    check "info $t count" grep -q "^  21 tensors" "$dir/$t.txt"
done
"$loomc" synth --out "$dir/again.gguf" "${args[@]}" --type q4_0 --seed 3
check "deterministic" cmp -s "$dir/q4_0.gguf" "$dir/again.gguf"
"$loomc" synth --out "$dir/other.gguf" "${args[@]}" --type q4_0 --seed 4
check "seed matters" bash -c "! cmp -s '$dir/q4_0.gguf' '$dir/other.gguf'"

"$loomc" synth --out "$dir/x.gguf" "${args[@]}" --type q5_0 2> "$dir/err"
check "unknown type is a usage error" test $? -eq 2
"$loomc" synth --out "$dir/x.gguf" --dim 64 2> "$dir/err"
check "missing size is a usage error" test $? -eq 2
"$loomc" synth --out "$dir/x.gguf" "${args[@]}" --heads 3 2> "$dir/err"
check "bad heads fails" test $? -eq 1
check "bad heads message" grep -q "must divide" "$dir/err"
head -c 100 "$dir/f32.gguf" > "$dir/cut.gguf"
"$loomc" info "$dir/cut.gguf" > /dev/null 2> "$dir/err"
check "truncated file fails" test $? -eq 1
check "truncated message" grep -q "file truncated" "$dir/err"
"$loomc" > /dev/null 2>&1
check "no command is a usage error" test $? -eq 2
[ $fail -eq 0 ] && echo "loomc cli: ok"
exit $fail
