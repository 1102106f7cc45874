#!/usr/bin/env bash
# Mutation testing of the safety core with mutmut (kept out of CI: it takes tens of minutes).
#
#   bash scripts/mutation.sh                 # every module below, one after another
#   bash scripts/mutation.sh consent store   # only these
#
# Each module runs alone, in its own copy of the tree under $MUTATION_WORK, against only the test
# files that exercise it, under `nice -n 19` with $MUTATION_JOBS workers (default 1): the machine
# is shared. It prints each module's score (killed / all mutants) and writes the survivors' names
# to $MUTATION_WORK/<module>/survivors.txt (`cd` there and `mutmut show NAME` shows the change).
# Why the survivors left are harmless: docs/mutation-survivors.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${MUTATION_WORK:-/tmp/referral-mutation}
JOBS=${MUTATION_JOBS:-1}
MUTMUT="$ROOT/.venv/bin/mutmut"
[ -x .venv/bin/python ] || bash scripts/setup.sh
[ -x "$MUTMUT" ] || .venv/bin/python -m pip install --quiet -e '.[test,mutation]'

# module name | files to mutate (under src/referral_cli) | test files that exercise them
MODULES=(
  "consent|session/consent.py|test_consent_gate.py test_consent_oracle.py test_session_flow.py test_consent_attacks.py"
  "matching|session/matching.py|test_matching.py test_session_flow.py test_matching_strength.py"
  "vetting|vetting/judge.py vetting/standing.py vetting/rubric.py vetting/record.py vetting/history.py|test_vetting.py test_vetting_rules.py test_vet_cli.py test_evidence.py test_vetting_strength.py"
  "store|casefile/store.py casefile/files.py|test_store_sessions.py test_durability.py test_crash_safety.py test_security.py test_consent_attacks.py test_small_attacks.py test_store_strength.py test_stream_write.py"
  "crypto|casefile/crypto.py|test_crypto.py test_security.py test_small_attacks.py test_crypto_strength.py"
  "retention|casefile/retention.py|test_durability.py test_security.py test_consent_attacks.py test_store_strength.py"
)

wanted=("$@")
summary=()
for entry in "${MODULES[@]}"; do
  IFS='|' read -r name files tests <<<"$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " $name " ]]; then
    continue
  fi
  dir="$WORK/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r src tests data docs README.md pyproject.toml "$dir/"
  {
    echo "[mutmut]"
    echo "source_paths = src"
    echo "also_copy ="; echo "    data"; echo "    docs"; echo "    README.md"
    echo "only_mutate ="
    for f in $files; do
      [ -f "src/referral_cli/$f" ] && echo "    src/referral_cli/$f"
    done
    echo "pytest_add_cli_args_test_selection ="
    for t in $tests; do
      [ -f "tests/$t" ] && echo "    tests/$t"
    done
    echo "pytest_add_cli_args = -p no:cacheprovider --hypothesis-profile=mutation"
    echo "timeout_multiplier = 4.0"
  } >"$dir/setup.cfg"
  echo "== $name: mutating $files"
  # the copy's pyproject must not carry a [tool.mutmut] table, or setup.cfg is ignored
  (cd "$dir" && nice -n 19 "$MUTMUT" run --max-children "$JOBS" >run.log 2>&1) || {
    echo "mutmut failed for $name; see $dir/run.log" >&2
    tail -20 "$dir/run.log" >&2
    exit 1
  }
  (cd "$dir" && "$MUTMUT" results --all true >results.txt 2>&1)
  total=$(grep -cE '^ +[^ ]+: ' "$dir/results.txt" || true)
  killed=$(grep -cE ': (killed|timeout|segfault)$' "$dir/results.txt" || true)
  grep -E ': (survived|no tests|suspicious|skipped|not checked)$' "$dir/results.txt" \
    | sed 's/^ *//' >"$dir/survivors.txt" || true
  left=$(wc -l <"$dir/survivors.txt")
  score=$(awk -v k="$killed" -v t="$total" 'BEGIN { printf (t ? "%.1f" : "n/a"), (t ? 100 * k / t : 0) }')
  line="$name: $killed of $total mutants killed ($score%), $left left (see $dir/survivors.txt)"
  echo "$line"
  summary+=("$line")
done

echo
echo "Mutation scores:"
printf '  %s\n' "${summary[@]}"
