// Package fleettest writes folders of collected vssmirror reports and run
// histories for tests and benchmarks of runner/fleet and runner/history
// (and the browser test of their pages): many hosts, the layout Ansible's
// fetch writes (DIR/<host>/...), every outcome, stale jobs, leaked
// shadows, and the foreign and damaged files a real collection holds.
// Everything is derived from the host's number: the same call writes the
// same files.
package fleettest
