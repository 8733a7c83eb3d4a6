# vssmirror: `make test` is what CI runs (.ci/run).
GO ?= go
PKGS := ./...

.PHONY: test fmt-check tidy-check vet staticcheck unit cross build examples e2e-wine e2e-browser

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

# The history and fleet pages in Debian's headless Chromium, driven by chromedp: rows,
# chart elements, links, no console message, nothing loaded but the page itself; the
# pages and their screenshots stay in build/browser/ (or $$VSSMIRROR_ARTIFACTS). Installs
# chromium from Debian if missing; under CI=1 a missing chromium fails, never skips.
e2e-browser:
	bash e2e/install-deps.sh
	$(GO) vet -tags browser ./e2e/browser/
	$(GO) tool staticcheck -tags browser ./e2e/browser/
	$(GO) test -tags browser -count=1 -timeout 10m -v ./e2e/browser/
