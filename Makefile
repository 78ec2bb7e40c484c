# Quilt Private Endpoints. `make test` installs the pinned test tools under
# .tools/ and runs every test; `make demo` renders the bundled example.
SHELL := /bin/bash
GO ?= go
HOST_ARCH := $(shell $(GO) env GOARCH)
TOOLS := $(CURDIR)/.tools

RIE_MODULE := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE := $(TOOLS)/bin/aws-lambda-rie
CFNGUARD_PKG := @cdklabs/cdk-validator-cfnguard
CFNGUARD_VERSION := 0.0.62
CFNGUARD_STAMP := $(TOOLS)/cfnguard/.installed-$(CFNGUARD_VERSION)
# staticcheck 2026.2.2 (v0.8.2) is the release built for Go 1.26 (go.mod).
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(TOOLS)/bin/staticcheck-$(STATICCHECK_VERSION)
# The mermaid npm package's parser checks the reports' diagrams under node
# (internal/review's TestMermaidParses): @mermaid-js/mermaid-cli needs a
# browser, the parser does not.
MERMAID_VERSION := 12.3.0
MERMAID_STAMP := $(TOOLS)/mermaid/.installed-$(MERMAID_VERSION)

LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags="-s -w -buildid="
DEMO_TEMPLATE := templates/examples/quilt-private-endpoints.yaml

.PHONY: all build tools test vet staticcheck fmt-check demo package stackset clean FORCE build-MacroFunction build-PreflightFunction

all: build

build: build/macro/bootstrap build/customresource/bootstrap build/qpe

build/macro/bootstrap: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=$(HOST_ARCH) $(GO) build $(LAMBDA_FLAGS) -o $@ ./macro

build/customresource/bootstrap: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=$(HOST_ARCH) $(GO) build $(LAMBDA_FLAGS) -o $@ ./customresource

# qpe --version prints the module version and this commit (-X main.commit:
# the toolchain's own VCS stamp is missing from a worktree or a tarball).
QPE_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)

build/qpe: FORCE
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-X main.commit=$(QPE_COMMIT)" -o $@ ./cmd/qpe

# Deployment packages: deterministic arm64 zips (same bytes on every build).
DIST ?= $(CURDIR)/dist
ARM64_ENV := CGO_ENABLED=0 GOOS=linux GOARCH=arm64

package: $(DIST)/macro.zip $(DIST)/customresource.zip

$(DIST)/macro.zip $(DIST)/customresource.zip: $(DIST)/%.zip: FORCE
	mkdir -p $(DIST)/arm64/$*
	$(ARM64_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(DIST)/arm64/$*/bootstrap ./$*
	$(GO) run ./tools/lambdazip $@ $(DIST)/arm64/$*/bootstrap

# Plain-CloudFormation backend for service-managed StackSets (no transforms),
# with the packages to copy to one bucket per Region (see README).
stackset: package
	$(GO) run ./tools/stacksettemplate templates/template.yaml > $(DIST)/backend-stackset.yaml
	@echo "wrote $(DIST)/backend-stackset.yaml, $(DIST)/macro.zip, $(DIST)/customresource.zip"

# `sam build` (BuildMethod: makefile) calls these with ARTIFACTS_DIR set;
# without it they stop instead of writing /bootstrap.
build-MacroFunction build-PreflightFunction: build-%: FORCE
	@if [ -z "$(ARTIFACTS_DIR)" ]; then echo "$@: ARTIFACTS_DIR is not set: sam build sets it; outside SAM use make build or make package" >&2; exit 2; fi
	$(ARM64_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./$(if $(filter MacroFunction,$*),macro,customresource)

tools: $(RIE) $(CFNGUARD_STAMP) $(STATICCHECK) $(MERMAID_STAMP)

$(RIE):
	GOBIN=$(TOOLS)/bin $(GO) install $(RIE_MODULE)@$(RIE_VERSION)

# Installed under a versioned name, so a new pin installs afresh.
$(STATICCHECK):
	mkdir -p $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)
	GOBIN=$(TOOLS)/staticcheck-$(STATICCHECK_VERSION) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)/staticcheck $@
	rmdir $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)

$(CFNGUARD_STAMP):
	mkdir -p $(TOOLS)/cfnguard
	cd $(TOOLS)/cfnguard && npm install --omit=peer --no-audit --no-fund --no-save $(CFNGUARD_PKG)@$(CFNGUARD_VERSION)
	touch $@

$(MERMAID_STAMP):
	mkdir -p $(TOOLS)/mermaid
	cd $(TOOLS)/mermaid && npm install --no-audit --no-fund --no-save --ignore-scripts mermaid@$(MERMAID_VERSION)
	touch $@

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

test: tools fmt-check vet staticcheck build
	$(GO) test -count=1 -timeout 20m ./...

demo: build/qpe
	./build/qpe render $(DEMO_TEMPLATE)

clean:
	rm -rf build dist

FORCE:
