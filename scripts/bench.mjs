// `npm run bench`: start-up, token fetches, parallel cold gets and peak memory of dist/docker-credential-ecr, side by
// side with the Go helper docker-credential-ecr-login (Debian package amazon-ecr-credential-helper), the bare
// runtime and `aws ecr get-login-password`, all in one run, all on 127.0.0.1 against the fake AWS
// (test/support/fake-aws.ts, run as a child process). Every row: its median and its ratio to the Go helper's
// matching row. Prints a table and, for every row with a target, PASS or FAIL (issue 20: a cache hit within 1.5 x
// the Go helper's in Docker and kubelet mode, `version` within 1.2 x an empty compiled program, a hit's peak memory
// within 3 MiB of that program's, a miss within 2 x the Go helper's; issue 24: a hit within 1.4 x the empty compiled
// program and its peak memory within 3 MiB of the minimal hit's), and writes the same to
// bench-results/<timestamp>.md.
//
// How: hyperfine (Debian package `hyperfine`) times every row. Debian's hyperfine 1.15 has no --input, and with
// -N (no shell) its commands get /dev/null as stdin, where `get` needs the server URL. So every row, the floor
// included, runs as `sh -c 'exec CMD <<EOF ...'`: dash feeds a short here-document through a pipe (as Docker
// does: stdin and stdout are pipes, see --output=pipe) and `exec` leaves no shell behind; hyperfine measures
// `sh -c ''` first and subtracts it from every run. Medians are computed from hyperfine's JSON (--export-json);
// the start-up group runs in 40 rounds and the miss group in 8, so that load drifting during the run spreads
// over all rows instead of landing on a few. Peak memory (max RSS) comes from GNU time (Debian package `time`).
// The Go helper has no endpoint override, so it reaches the fake through HTTPS_PROXY (CONNECT + TLS with the
// fake's CA); our rows are measured both ways.
//
// Environment of every run: only what the row needs (temporary HOME, static keys, AWS_EC2_METADATA_DISABLED,
// the fake's endpoint or proxy); nothing leaks in from the caller's (BUN_OPTIONS, AWS_CA_BUNDLE, proxies...).
// The hit rows run in that clean environment, the Go helper's too (no proxy, no CA bundle: on a hit it needs no
// network); two more rows show both with AWS_CA_BUNDLE set, which the Go helper parses on every start.
//
// Options (environment): DCE_BENCH_EXE=path (another build of the executable), DCE_BENCH_QUICK=1 (fewer runs).
//
// The parts live in scripts/bench/, one a file: main.mjs runs them in order.
import { BenchError } from './bench/bench-error.mjs';
import { main } from './bench/main.mjs';

main().catch((e) => {
  console.error(`bench failed: ${e instanceof BenchError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
});
