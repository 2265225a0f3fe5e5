// The run, in order: find the tools, start the fake, make the floors, check every row, time the groups, measure
// memory, then print and write the report. What each step does: scripts/bench.mjs and the files beside this one.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { bunExecutable, root } from '../compile.mjs';
import { fail } from './bench-error.mjs';
import { busyShare } from './busy-share.mjs';
import { benchEnvironment } from './environment.mjs';
import { fakeResponseTimes, startFake } from './fake-aws.mjs';
import { makeFloorPrograms } from './floor-programs.mjs';
import { hitRows } from './hit-rows.mjs';
import { hyperfine } from './hyperfine.mjs';
import { memoryRows } from './memory-rows.mjs';
import { missRows } from './miss-rows.mjs';
import { ANSWER } from './names.mjs';
import { median } from './numbers.mjs';
import { measureParallel } from './parallel-rows.mjs';
import { report } from './report.mjs';
import { runCounts } from './run-counts.mjs';
import { shellCommand } from './shell-command.mjs';
import { buildTable, tableLines } from './table.mjs';
import { verdictLines } from './targets.mjs';
import { validate } from './validate.mjs';
import { awsCli, tool, which } from './tools.mjs';

export async function main() {
  const started = performance.now();
  const hyperfinePath = tool('hyperfine', 'hyperfine');
  const built = process.env.DCE_BENCH_EXE ?? join(root, 'dist', 'docker-credential-ecr');
  if (!existsSync(built)) fail(`${relative(root, built)} is missing: run \`npm run build\` first`);
  const gnuTime = tool('time', 'time');
  const bun = bunExecutable();
  const goHelper = which('docker-credential-ecr-login');
  const aws = awsCli();
  const loadBefore = loadavg()[0];
  const busyBefore = await busyShare(1000);

  const temp = mkdtempSync(join(tmpdir(), 'dce-bench-'));
  const fake = await startFake();
  try {
    const home = join(temp, 'home');
    mkdirSync(home);
    // Measured as a copy written now, as the floor programs below are compiled now: the page cache holds a file read
    // back from disk differently from one just written, and that alone moved the same executable's `version` by
    // 0.8 ms (a copy made minutes before against a fresh one, 200 interleaved runs). Same name: a hit's memo covers it.
    const exe = join(temp, 'bin', basename(built));
    mkdirSync(join(temp, 'bin'));
    copyFileSync(built, exe);
    makeFloorPrograms(temp, bun);
    const env = benchEnvironment(home, fake);
    const { baseEnv, goEnv } = env;
    const hits = hitRows({ temp, bun, exe, goHelper, fake, env });
    const { misses, noCredentials, slow } = missRows({ temp, exe, goHelper, aws, fake, env });

    // Seed the caches (ours and the Go helper's) for the hit rows, and check every row once. The Go helper's hit
    // rows run without a proxy, so its cache is filled through the proxy first.
    if (goHelper)
      validate(
        {
          name: 'Go helper: filling its cache',
          command: shellCommand([goHelper, 'get'], { env: goEnv }),
          expect: ANSWER,
        },
        baseEnv,
      );
    for (const row of [...hits, ...misses, ...slow, noCredentials]) validate(row, baseEnv);
    // The memos as a user's steady state has them: written by the warm-up runs below, once the home the checks
    // just filled has settled. A memo written within 2 s of a change to a directory it would rely on (the home,
    // for the absent ~/.aws files) checks those files one by one instead (src/memo/recorder.ts).
    await new Promise((done) => setTimeout(done, 2_100));
    const cache = join(home, '.cache', 'docker-credential-ecr');
    for (const name of readdirSync(cache)) if (name.endsWith('.hit')) rmSync(join(cache, name));

    const n = runCounts;
    const measured = [];
    measured.push(
      ...hyperfine(hyperfinePath, hits, {
        baseEnv,
        warmup: 1,
        runs: n.hit,
        rounds: n.hitRounds,
        jsonPath: join(temp, 'hits.json'),
      }),
    );
    measured.push(
      ...hyperfine(hyperfinePath, misses, {
        baseEnv,
        warmup: 2,
        runs: n.miss,
        rounds: n.rounds,
        jsonPath: join(temp, 'misses.json'),
      }),
    );
    if (slow.length)
      measured.push(
        ...hyperfine(hyperfinePath, slow, { baseEnv, warmup: 1, runs: n.slow, jsonPath: join(temp, 'slow.json') }),
      );
    measured.push(
      ...hyperfine(hyperfinePath, [noCredentials], {
        baseEnv,
        warmup: 0,
        runs: n.slow,
        jsonPath: join(temp, 'nocreds.json'),
        ignoreFailure: true,
      }),
    );
    const fakeTimes = await fakeResponseTimes(fake.url, n.fake);
    measured.push(...(await measureParallel({ hyperfinePath, temp, exe, goHelper, fake, runs: n.parallel, env })));

    const memory = memoryRows({ gnuTime, rows: [...hits, ...misses], goHelper, baseEnv, runs: n.rss });

    const fakeMedian = median(fakeTimes);
    const table = buildTable({ measured, timedCount: hits.length + misses.length, fakeTimes, memory, exe, goHelper });
    const lines = tableLines(table);
    const verdicts = verdictLines(table, fakeMedian);
    report({ started, built, bun, hyperfinePath, busyBefore, loadBefore, aws, goHelper, lines, verdicts });
  } finally {
    fake.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}
