# vssmirror: `make test` is what CI runs (.ci/run).
GO ?= go
PKGS := ./...

.PHONY: test fmt-check tidy-check vet staticcheck unit cross build examples e2e-wine e2e-browser fleet-check release-snapshot

test: fmt-check tidy-check vet staticcheck unit cross

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# go.mod and go.sum must be what `go mod tidy` makes of them.
tidy-check:
	$(GO) mod tidy -diff

vet:
	$(GO) vet $(PKGS)

# staticcheck is pinned by the tool directive in go.mod: nothing to install.
# For the Windows build, `go tool -n` only prints the path of the host's
# staticcheck binary (`GOOS=windows go tool staticcheck` would build a
# Windows binary and fail to run it); GOOS then selects the files it checks.
staticcheck:
	$(GO) tool staticcheck $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)
	GOOS=windows $$($(GO) tool -n staticcheck) $(PKGS)

unit:
	$(GO) test -count=1 $(PKGS)

# VSS under WOW64 is unsupported: only 64-bit Windows builds.
cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/vssmirror
	GOOS=windows GOARCH=arm64 $(GO) build -o /dev/null ./cmd/vssmirror

build:
	mkdir -p bin
	GOOS=windows GOARCH=amd64 $(GO) build -o bin/vssmirror-windows-amd64.exe ./cmd/vssmirror
	GOOS=windows GOARCH=arm64 $(GO) build -o bin/vssmirror-windows-arm64.exe ./cmd/vssmirror
	$(GO) build -o bin/vssmirror ./cmd/vssmirror

# Re-render every example's committed scripts (after a deliberate template change).
examples:
	$(GO) test ./dshgen -run 'TestExamples|TestTwoPhaseExamples' -update

# End-to-end under wine: the Windows build of vssmirror, the generated .cmd run by
# wine's cmd.exe, a diskshadow double and a robocopy double, in a throwaway wine
# prefix under build/e2e. Installs wine and mingw-w64 from Debian if missing.
e2e-wine:
	bash e2e/install-deps.sh
	$(GO) test -tags e2e -count=1 -timeout 15m ./e2e/

# The fleet examples checked with the engines' own tools (CI runs it; the
# tools come from Debian via e2e/install-deps.sh): promtool checks and
# unit-tests the Prometheus rules, ansible-playbook syntax-checks every
# playbook, ansible-lint lints the role, and the role's job template is
# rendered for every server of the example inventory and judged by
# vssmirror validate and schedule (the Linux build).
FLEET := examples/fleet
fleet-check:
	promtool check rules $(FLEET)/prometheus/vssmirror.rules.yml
	cd $(FLEET)/prometheus && promtool test rules vssmirror.rules.test.yml
	promtool check config $(FLEET)/prometheus/prometheus.yml
	cd $(FLEET)/ansible && ansible-playbook --syntax-check playbooks/deploy.yml playbooks/run-now.yml playbooks/cleanup.yml playbooks/collect.yml tests/render-jobs.yml
	cd $(FLEET)/ansible && ansible-lint --offline -p roles/vssmirror playbooks tests
	mkdir -p build/fleet
	$(GO) build -o build/fleet/vssmirror ./cmd/vssmirror
	rm -rf build/fleet/render
	cd $(FLEET)/ansible && ansible-playbook tests/render-jobs.yml -e vssmirror_test_bin=$(CURDIR)/build/fleet/vssmirror -e vssmirror_test_out=$(CURDIR)/build/fleet/render
	# Every preset vssmirror has (from init --help), through the role's compose step and
	# template as the only job of one server: a preset key YAML 1.1 misreads fails here.
	presets=$$(build/fleet/vssmirror init --help | sed -n 's/.*example to start from: \([a-z, ]*\) (default.*/\1/p' | tr -d ,); \
	[ -n "$$presets" ] || { echo "no presets in vssmirror init --help"; exit 1; }; \
	for p in $$presets; do \
	  printf 'vssmirror_jobs:\n  - {name: preset-%s, preset: %s, at: "03:00"}\n' $$p $$p > build/fleet/preset.yml; \
	  (cd $(FLEET)/ansible && ansible-playbook tests/render-jobs.yml --limit fs01.corp.example -e @$(CURDIR)/build/fleet/preset.yml \
	    -e vssmirror_test_bin=$(CURDIR)/build/fleet/vssmirror -e vssmirror_test_out=$(CURDIR)/build/fleet/render-presets) >/dev/null || \
	    { echo "preset $$p does not render through the role"; exit 1; }; echo "preset $$p: rendered, validated, scheduled"; \
	done

# A local release into dist/ with goreleaser, pinned in tools/go.mod (its
# dependencies stay out of vssmirror's module; syft, which goreleaser runs
# for the SBOMs, is pinned in tools/syft/go.mod, as the two clash): the
# Windows zips, Linux and macOS archives, checksums.txt, an SPDX SBOM per
# archive, and the winget and scoop manifests; nothing is published. Then dist/ is checked:
# the checksums, the stamped version, and the Ansible role's zip check
# against the real zips.
TOOLS_GO := $(GO) tool -modfile=$(CURDIR)/tools/go.mod
release-snapshot:
	VSSMIRROR_TOOLS=$(CURDIR)/tools $(TOOLS_GO) goreleaser release --snapshot --clean
	bash tools/check-dist.sh dist

# The history and fleet pages in Debian's headless Chromium, driven by chromedp: rows,
# chart elements, links, no console message, nothing loaded but the page itself; the
# pages and their screenshots stay in build/browser/ (or $$VSSMIRROR_ARTIFACTS). Installs
# chromium from Debian if missing; under CI=1 a missing chromium fails, never skips.
e2e-browser:
	bash e2e/install-deps.sh
	$(GO) vet -tags browser ./e2e/browser/
	$(GO) tool staticcheck -tags browser ./e2e/browser/
	$(GO) test -tags browser -count=1 -timeout 10m -v ./e2e/browser/
