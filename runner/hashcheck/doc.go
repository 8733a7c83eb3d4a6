// Package hashcheck compares files of a snapshot with their copies in the
// destination by SHA-256 (the job's verify.sample_hashes): a NAS that
// acknowledged writes it then lost, or a copy corrupted on the way, fails
// the run before end backup. The files are a uniform random sample of the
// snapshot folder (reservoir sampling: one pass, memory bounded by the
// sample size whatever the number of files).
package hashcheck
