#!/usr/bin/env bash
# make fuzz: every fuzz target of the module on top of its committed seed
# corpus, then a table of executions per target.
#
# Budgets are execution counts ("Nx"), not durations: Go 1.26's fuzz
# coordinator can fail a clean run with "context deadline exceeded" when a
# duration budget expires while a worker is busy (golang/go#75804, fixed in
# Go 1.27). The sink state machine, fed whole hostile streams, gets
# FUZZTIME_SINK, a larger budget.
set -euo pipefail
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-200000x}
FUZZTIME_SINK=${FUZZTIME_SINK:-1000000x}
log=$(mktemp)
summary=$(mktemp)
trap 'rm -f "$log" "$summary"' EXIT
for pkg in $($GO list ./...); do
	for target in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		budget=$FUZZTIME
		[ "$target" = FuzzSink ] && budget=$FUZZTIME_SINK
		echo "fuzz ${pkg#github.com/goscp/goscp/} $target ($budget)"
		start=$(date +%s.%N)
		if ! $GO test -run='^$' -fuzz="^$target\$" -fuzztime="$budget" "$pkg" >"$log" 2>&1; then
			cat "$log"
			exit 1
		fi
		secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		printf '%-22s %-18s %12s %8s\n' "${pkg#github.com/goscp/goscp/}" "$target" "${execs:-?}" "$secs" >>"$summary"
	done
done
printf '%-22s %-18s %12s %8s\n' package target execs seconds
cat "$summary"
