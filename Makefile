# AuditDesk. `make run` and `make test` are the two commands a newcomer
# needs; both install what is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO        ?= go
# A release tag vX.Y.Z gives X.Y.Z; otherwise 0.1.0-dev+<commit>.
VERSION   ?= $(shell v=$$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null) && echo "$${v\#v}" || \
               echo "0.1.0-dev+$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")
LDFLAGS   := -s -w -X main.version=$(VERSION)
PROD_TAGS := desktop,production,webkit2_41
DEV_TAGS  := dev,webkit2_41
BIN       := build/bin/auditdesk
WINDOW_BIN := build/bin/auditdesk-window
DEV_BIN   := build/bin/auditdesk-dev
TOOLS     := $(CURDIR)/build/tools
GOLANGCI_VERSION := v2.15.0
GOLANGCI  := $(TOOLS)/golangci-lint-$(GOLANGCI_VERSION)
FRONT_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/wailsjs -type f 2>/dev/null)
NODE_STAMP := frontend/node_modules/.package-lock.json

.PHONY: deps sysdeps build build-dev frontend bindings run test lint gotest fronttest e2e e2e-stress bench bench-e2e clean

## deps: system packages (apt-get, only those missing), npm packages, Go modules
deps: sysdeps $(NODE_STAMP)
	$(GO) mod download

sysdeps:
	@.ci/deps.sh

# npm ci only when the lock file changed since the last install.
$(NODE_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: $(NODE_STAMP) $(FRONT_SRC)
	cd frontend && npm run build

frontend: frontend/dist/index.html

## bindings: regenerate frontend/wailsjs from the bound Go services, as
## `wails build` and `wails dev` write it (wails.json: interfaces; the
## runtime's files 0644, as the CLI leaves them)
bindings:
	$(GO) build -tags bindings -o build/bin/bindings .
	@d=$$(mktemp -d) && AUDITDESK_DATA=$$d tsoutputtype=interfaces build/bin/bindings >/dev/null && rm -rf $$d build/bin/bindings
	@chmod 0644 frontend/wailsjs/runtime/*

## build: the production binaries: auditdesk, pure Go, the command line,
## which hands the window to auditdesk-window beside it, built as
## `wails build` makes it (without the wails CLI), linked with WebKitGTK
build: deps frontend
	$(GO) build -tags $(PROD_TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $(WINDOW_BIN) .
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## build-dev: the dev-tagged binary the UI tests drive in Chromium
build-dev: deps frontend
	$(GO) build -tags $(DEV_TAGS) -ldflags "-X main.version=$(VERSION)" -o $(DEV_BIN) .

## run: install, build, open the window
run: build
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run: no display; run it in a desktop session, or: xvfb-run -a $(BIN)" >&2; exit 1; fi
	$(BIN)

## test: lint, Go tests with -race, frontend checks and tests, end-to-end tests
test: deps lint gotest fronttest e2e

$(GOLANGCI):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)
	@mv $(TOOLS)/golangci-lint $@

## lint: gofmt, go vet, golangci-lint, bindings up to date, svelte-check, eslint, prettier
lint: deps $(GOLANGCI)
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt: needs formatting: $$bad" >&2; exit 1; fi
	$(GO) vet -tags webkit2_41 ./...
	$(GOLANGCI) run ./...
	$(GO) vet -tags $(PROD_TAGS) . ./app/window
	$(GOLANGCI) run --build-tags $(PROD_TAGS) . ./app/window
	.ci/bindings-check.sh
	cd frontend && npm run check && npm run lint

gotest:
	$(GO) test -race -count=1 ./...
	@# Tests too slow under the race detector, built only without it (//go:build !race).
	$(GO) test -count=1 -run 'SplitsPastTheSheetLimit' ./backend/export/
	@# DuckDB reads the Parquet export: a module of its own (CGO and DuckDB's
	@# library stay out of the app's binary and of ./... above).
	cd backend/export/duckdbtest && CGO_ENABLED=1 $(GO) test -count=1 ./...
	@# A few seconds of fuzzing (counted in runs, not seconds: a duration's end
	@# races the fuzzing workers in go1.26, golang/go#75804, and fails a loaded
	@# machine with "context deadline exceeded"): what the CLI prints never
	@# controls the terminal.
	$(GO) test -run '^$$' -fuzz '^FuzzSafe$$' -fuzztime 50000x ./backend/termtext/
	@# ... and a damaged cache value is an error, never a panic.
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeEventValue$$' -fuzztime 20000x ./backend/store/
	@# ... and whatever a file to import holds is events or an error, never a panic.
	$(GO) test -run '^$$' -fuzz '^FuzzReadFile$$' -fuzztime 5000x ./backend/importer/
	$(GO) test -run '^$$' -fuzz '^FuzzRecords$$' -fuzztime 30000x ./backend/importer/textio/
	$(GO) test -run '^$$' -fuzz '^FuzzParseTime$$' -fuzztime 30000x ./backend/importer/textio/

fronttest: $(NODE_STAMP)
	cd frontend && npm test

## e2e: the dev binary in Chromium, and the production binary's window, under Xvfb
e2e: build build-dev
	.ci/e2e.sh

## e2e-stress: the end-to-end tests with every core busy (stress-ng), a fresh
## HOME and no font or browser caches; not part of test. RUNS=3 runs it thrice.
e2e-stress: build build-dev
	@.ci/deps.sh stress-ng
	.ci/e2e-stress.sh

## bench: the benchmarks; one line per figure `BENCH name value unit`, and build/bench.json
# At the issue's 1,000,000 events; `make bench AUDITDESK_BENCH_EVENTS=200000` is quicker.
# -p 1: one package's benchmarks at a time, so two do not share the cores.
AUDITDESK_BENCH_EVENTS ?= 1000000
bench: deps
	AUDITDESK_BENCH_EVENTS=$(AUDITDESK_BENCH_EVENTS) $(GO) test -p 1 -run '^$$' -bench . -benchmem -count 1 -timeout 60m ./... | .ci/bench.sh build/bench.json

## bench-e2e: whole processes as a user runs them (first and incremental
## sync, search, filter, CSV and XLSX exports, the window to its first rows)
## beside sqlite3, grep and a plain API client on the same events, with
## ratios; BENCH_EVENTS=200000 for a quicker run, RUNS=N for more runs.
bench-e2e: build
	.ci/bench-e2e.sh

clean:
	rm -rf build/bin build/test-artifacts build/bench.json frontend/dist/assets frontend/dist/index.html
