// Package fleet holds no code: its tests keep the fleet examples beside it
// true to what vssmirror writes. The Prometheus rules
// (prometheus/vssmirror.rules.yml) and the Grafana dashboard
// (grafana/vssmirror-fleet.json) may only use the metrics, labels and
// outcome names that `vssmirror run --prom` writes (runner/notify), so that
// a rename breaks the build and not the pager; every alert has a promtool
// unit test where it fires and one where it does not. promtool itself, the
// Ansible syntax check and ansible-lint run from `make fleet-check`.
package fleet
