GO       ?= go
BIN      ?= bin/scp
SFTP_BIN ?= bin/sftp
PREFIX   ?= /usr/local
CROSS    := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64 freebsd/amd64 freebsd/arm64
# The commands under cmd/ that cross and dist build; each has its page doc/NAME.1.
CMDS     := scp sftp
MANPAGES := $(CMDS:%=doc/%.1)
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/goscp/goscp/internal/version.Version=$(VERSION)

.PHONY: build test test-serial test-scale fuzz bench demo install man cross dist setup lint clean need-test need-demo need-bench need-man

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/scp
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(SFTP_BIN) ./cmd/sftp

# Installs what test, demo, bench and man need when run as root; otherwise
# each of those targets names what is missing and stops (scripts/setup.sh).
setup:
	@scripts/setup.sh test demo bench man

# Listed first among a target's prerequisites, so a missing package stops
# make before anything is built.
need-test need-demo need-bench need-man:
	@scripts/setup.sh $(@:need-%=%)

# go test's default bound of 10 minutes a package is too short for e2e on a
# busy 2-core machine (two make test side by side hit it); 45m still ends a
# real hang.
test: need-test
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 45m ./...

# The e2e suite again with our scp forced serial (-X serial) everywhere:
# pipelined (the default) or not, it must agree with OpenSSH. Skipped: the
# sftp command's suites, and those about connecting, logging in, known
# hosts and the harness itself, which copy one file the same way in both.
SERIAL_SKIP = ^(TestSFTP|TestConnect|TestKnownHosts|TestLogin|TestBatchModeNoPrompt|TestPreferredAuthenticationsPassword|TestHostKeyAlias|TestIPv6Literal|TestHarnessDetects|TestNormalise)
test-serial: need-test
	GOSCP_E2E_SERIAL=1 $(GO) test -count=1 -timeout 45m -skip "$(SERIAL_SKIP)" ./e2e

# Scale suite: a sparse 4.5 GiB file, a 20,000-file tree, a 200-deep tree and
# 255-byte names, each up and down with content checked and the client's peak
# RSS logged and bounded. Needs about 10 GiB of free disk.
test-scale: need-test
	$(GO) test -tags scale -count=1 -timeout 40m -run '^TestScale$$' -v ./e2e

# Each fuzz target for an execution budget on top of its committed seed
# corpus (FUZZTIME, FUZZTIME_SINK; see scripts/fuzz.sh).
fuzz:
	GO=$(GO) scripts/fuzz.sh

# Ours against OpenSSH's scp -O, its SFTP mode and the tar | ssh floor on a
# real sshd, over loopback and through a latency proxy: medians, ratios and
# peak RSS, copies checked after every run (internal/bench). BENCH (a regexp
# on scenario names), BENCH_RUNS and BENCH_RTT pass through the environment.
bench: need-bench build
	SCP=$(abspath $(BIN)) SFTP=$(abspath $(SFTP_BIN)) $(GO) test -tags bench -count=1 -timeout 90m -run '^TestBench$$' -v ./internal/bench

demo: need-demo build
	SCP=$(BIN) SFTP=$(SFTP_BIN) scripts/demo.sh

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/scp
	install -D -m 0755 $(SFTP_BIN) $(DESTDIR)$(PREFIX)/bin/sftp
	install -D -m 0644 doc/scp.1 $(DESTDIR)$(PREFIX)/share/man/man1/scp.1
	install -D -m 0644 doc/sftp.1 $(DESTDIR)$(PREFIX)/share/man/man1/sftp.1

# Each man page must render without a single warning, through man-db as a
# user sees it and through groff with every warning turned on. Both tools
# exit 0 on warnings, so anything on stderr fails the target.
man: need-man
	@set -e; log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	for page in $(MANPAGES); do \
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l $$page >/dev/null 2>"$$log"; \
		groff -man -Tutf8 -ww -z $$page 2>>"$$log"; \
		if [ -s "$$log" ]; then echo "$$page:" >&2; cat "$$log" >&2; exit 1; fi; \
		echo "$$page: renders without warnings"; \
	done

cross:
	@set -e; for target in $(CROSS); do \
		echo "build $$target"; \
		for cmd in $(CMDS); do \
			CGO_ENABLED=0 GOOS=$${target%/*} GOARCH=$${target#*/} $(GO) build -o /dev/null ./cmd/$$cmd; \
		done; \
	done

# Release archives in dist/: for each CROSS target, static CMDS stamped with
# VERSION, the man pages, README.md and LICENSE; and dist/SHA256SUMS.
dist:
	GO='$(GO)' VERSION='$(VERSION)' LDFLAGS='$(LDFLAGS)' CMDS='$(CMDS)' TARGETS='$(CROSS)' scripts/dist.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null; then staticcheck ./...; fi

clean:
	rm -rf bin dist
