# kubectl-eksa_recover
#
#   make demo   build, start the stranded test world, show status, recover, status on it
#   make test   build kube-apiserver and etcd once (cached), then run every test
#   make test-unit  the tests that need no API server, in seconds
#   make test-pkg PACKAGE=./pkg/reader [RUN=regexp]  one package's tests, world tests included
#   make bench  status and move against their floors and clusterctl, memory, the vCenter check, side by side
#   make dist   release archives for every platform in dist/, and krew-manifest.yaml to match

BINARY  := kubectl-eksa_recover
PKG     := github.com/eksa-recover/kubectl-eksa_recover
BIN_DIR := bin

# Build metadata. The date is the last commit's (in UTC) so rebuilding the same
# commit gives the same binary; outside git it falls back to now.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo v0.0.0-dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)

LDFLAGS := -s -w \
	-X $(PKG)/pkg/buildinfo.version=$(VERSION) \
	-X $(PKG)/pkg/buildinfo.commit=$(COMMIT) \
	-X $(PKG)/pkg/buildinfo.date=$(DATE)

GO ?= go

.PHONY: build fmt vet lint clean test test-unit test-pkg test-assets testreport bench world demo

# Test worlds: envtest keeps its port locks under XDG_CACHE_HOME, here in the
# work tree rather than the user's cache.
TEST_CACHE := $(CURDIR)/.cache
SCENARIO   ?= stranded
FLAVOUR    ?= v1beta1
WORLD_DIR  ?= $(CURDIR)/.world/$(SCENARIO)
ASSETS      = $$(bash hack/build-test-assets.sh)

## build: build bin/kubectl-eksa_recover (static, reproducible)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN_DIR)/$(BINARY) ./cmd/$(BINARY)

## fmt: gofmt -s the Go sources
fmt:
	gofmt -s -w $$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')

## vet: go vet every package, the bench's files (-tags bench) too
vet:
	$(GO) vet -tags bench ./...

## lint: golangci-lint, if installed
lint:
	@if command -v golangci-lint >/dev/null 2>&1; then \
		golangci-lint run ./...; \
	else \
		echo "golangci-lint not installed; skipping lint"; \
	fi

## clean: remove build output
clean:
	rm -rf $(BIN_DIR)

## test-assets: build kube-apiserver and etcd from the Go module proxy (once; ~5-15 min)
test-assets:
	@bash hack/build-test-assets.sh

## test: every test, unit and integration against real API servers and real krew; prints how many
##       ran and skipped, and fails if any skipped (or GOFLAGS chooses tests)
test: test-assets krew-tools testreport
	mkdir -p $(TEST_CACHE)
	$(GO) vet -tags bench ./test/bench/  # the bench builds only under its tag: keep it compiling
	KUBEBUILDER_ASSETS="$(ASSETS)" KREW_TOOLS="$(KREW_TOOLS)" XDG_CACHE_HOME=$(TEST_CACHE) \
		$(BIN_DIR)/testreport -no-skips -- -count=1 -timeout 60m ./...

## test-unit: the tests that need no API server (-short: the world tests skip), about 30 s once compiled
test-unit: testreport
	$(BIN_DIR)/testreport -- -short -count=1 ./...

## test-pkg: one package's tests, world tests included, on the cached API servers:
##           make test-pkg PACKAGE=./pkg/reader RUN='^TestRead'
test-pkg: test-assets
	@test -n "$(PACKAGE)" || { echo "make test-pkg: name the package: make test-pkg PACKAGE=./pkg/reader [RUN='^TestX$$']" >&2; exit 2; }
	mkdir -p $(TEST_CACHE)
	KUBEBUILDER_ASSETS="$(ASSETS)" XDG_CACHE_HOME=$(TEST_CACHE) \
		$(GO) test -count=1 -timeout 40m $(if $(RUN),-run '$(RUN)') $(PACKAGE)

## testreport: build hack/testreport, which runs go test -json and prints what a person reads
testreport:
	@$(GO) build -o $(BIN_DIR)/testreport ./hack/testreport

## bench: side by side, with the goals: status vs its floor and clusterctl's tree.Discovery (10, 100, 1,000 Machines;
##        5,000 in 101 clusters, with peak RSS), move vs its floor and clusterctl's Move (100 Machines; 20 clusters;
##        4,889 objects, with the binary's peak RSS), the vCenter check vs FindByUuid per VM (1,000 VMs),
##        the binary vs kubectl (~30 min)
bench: bench-binary test-assets
	mkdir -p $(TEST_CACHE)
	KUBEBUILDER_ASSETS="$(ASSETS)" XDG_CACHE_HOME=$(TEST_CACHE) \
		$(GO) test -tags bench -count=1 -timeout 90m -run '^TestBench' -v ./test/bench/

## world: run a test world until Ctrl-C (SCENARIO=stranded FLAVOUR=v1beta1 WORLD_DIR=.world/<scenario>)
world: test-assets
	KUBEBUILDER_ASSETS="$(ASSETS)" $(GO) run ./hack/world --scenario $(SCENARIO) --flavour $(FLAVOUR) --dir $(WORLD_DIR)

## demo: build the plugin and show status, recover, status on the stranded world
demo: build test-assets
	KUBEBUILDER_ASSETS="$(ASSETS)" bash hack/demo.sh

# Releases. DIST_VERSION is VERSION when given (make dist VERSION=v1.2.3),
# else the tag, else v0.0.0-git-<commit>: semver, which krew requires, and
# never -dirty, since make dist itself rewrites krew-manifest.yaml and would
# change the next run's version. Archived files carry the commit's time.
# DIST_PLATFORMS=linux/amd64 builds a subset (the tests do, to stay fast).
DIST_DIR       ?= dist
DIST_PLATFORMS ?=
DIST_MANIFEST  ?= krew-manifest.yaml
DIST_VERSION   ?= $(if $(filter command line environment,$(origin VERSION)),$(VERSION),$(shell git describe --tags --match 'v[0-9]*' 2>/dev/null || echo v0.0.0-git-$(COMMIT)))
DIST_EPOCH     ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
DIST_LDFLAGS    = -s -w \
	-X $(PKG)/pkg/buildinfo.version=$(DIST_VERSION) \
	-X $(PKG)/pkg/buildinfo.commit=$(COMMIT) \
	-X $(PKG)/pkg/buildinfo.date=$(DATE)
KREW_TOOLS      = $$(bash hack/krew-tools.sh)

.PHONY: dist krew-tools bench-binary

## dist: reproducible archives for linux, darwin (amd64, arm64) and windows/amd64 in dist/ with SHA256SUMS; updates krew-manifest.yaml
dist:
	$(GO) run ./hack/dist -version '$(DIST_VERSION)' -ldflags '$(DIST_LDFLAGS)' -mtime '$(DIST_EPOCH)' \
		-out '$(DIST_DIR)' -manifest krew-manifest.yaml -manifest-out '$(DIST_MANIFEST)' \
		$(if $(DIST_PLATFORMS),-platforms '$(DIST_PLATFORMS)')

## krew-tools: build krew and validate-krew-manifest v0.4.3 from the Go module proxy (once; ~1 min)
krew-tools:
	@bash hack/krew-tools.sh >/dev/null

## bench-binary: the binary's size and cold start against kubectl's, side by side
bench-binary: build
	$(GO) run ./hack/bench-binary -plugin $(BIN_DIR)/$(BINARY) -kubectl "$$(command -v kubectl || echo kubectl)"
