# kubectl-eksa_recover
#
# The lead owns test, test-assets, world, demo and bench; they are defined elsewhere.

BINARY  := kubectl-eksa_recover
PKG     := github.com/eksa-recover/kubectl-eksa_recover
BIN_DIR := bin

# Build metadata. The date is the last commit's (in UTC) so rebuilding the same
# commit gives the same binary; outside git it falls back to now.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo v0.0.0-dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)

LDFLAGS := -s -w \
	-X $(PKG)/pkg/version.version=$(VERSION) \
	-X $(PKG)/pkg/version.commit=$(COMMIT) \
	-X $(PKG)/pkg/version.date=$(DATE)

GO ?= go

.PHONY: build fmt vet lint clean

## build: build bin/kubectl-eksa_recover (static, reproducible)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN_DIR)/$(BINARY) ./cmd/$(BINARY)

## fmt: gofmt -s the Go sources
fmt:
	gofmt -s -w $$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')

## vet: go vet every package
vet:
	$(GO) vet ./...

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
