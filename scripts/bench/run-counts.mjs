// How many runs each group gets: DCE_BENCH_QUICK=1 for a quick look, the full counts otherwise.
const quick = Boolean(process.env.DCE_BENCH_QUICK);

export const runCounts = quick
  ? { hit: 10, hitRounds: 1, miss: 6, rounds: 1, slow: 3, parallel: 3, fake: 50, rss: 3 }
  : { hit: 80, hitRounds: 40, miss: 32, rounds: 8, slow: 10, parallel: 10, fake: 300, rss: 15 };
