// Package browser renders vssmirror's HTML pages (the run history and the
// fleet view) in Debian's headless Chromium, driven by chromedp, checks
// their DOM (rows, chart elements, links), that the page logged no console
// message and asked for nothing but itself, and keeps a screenshot of each
// under build/browser/. It runs with `make e2e-browser` (build tag
// browser); under CI=1 a missing chromium fails the test instead of
// skipping it.
package browser
