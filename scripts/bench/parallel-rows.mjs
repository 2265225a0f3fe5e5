// Group 3: PARALLEL cold gets at once, ours (direct and through the proxy) and the Go helper's.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from './bench-error.mjs';
import { callCount } from './fake-aws.mjs';
import { hyperfine } from './hyperfine.mjs';
import { GO_PARALLEL, PARALLEL, PRIVATE_HOST } from './names.mjs';
import { shq } from './shell-command.mjs';

/** Times the parallel rows; each measured row carries a note with the API calls per run. */
export async function measureParallel({
  hyperfinePath,
  temp,
  exe,
  goHelper,
  fake,
  runs,
  env: { baseEnv, endpoint, viaProxy, goEnv },
}) {
  const measured = [];
  // Group 3: PARALLEL cold gets at once, a fresh cache each run; the prepare step also logs how many API
  // calls the previous run made (hyperfine cannot report that itself).
  const parallelScript = join(temp, 'parallel.sh');
  writeFileSync(
    parallelScript,
    [
      '# $1 = executable, $2 = file with the server URL, $3 = how many, $4 = file that collects failures',
      'i=0',
      'while [ "$i" -lt "$3" ]; do',
      '  { "$1" get < "$2" > /dev/null 2>&1 || echo "$?" >> "$4"; } &',
      '  i=$((i + 1))',
      'done',
      'wait',
      '',
    ].join('\n'),
  );
  writeFileSync(join(temp, 'host'), PRIVATE_HOST);
  const prepareScript = join(temp, 'prepare.cjs');
  writeFileSync(
    prepareScript,
    `// before each parallel run: log the API calls of the run before, reset the fake, empty the caches
const { rmSync, appendFileSync } = require('node:fs');
const http = require('node:http');
const [url, log, ...dirs] = process.argv.slice(2);
const post = (path) => new Promise((done, fail) => http.request(url + path, { method: 'POST' }, (res) => { let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => done(t)); }).on('error', fail).end());
(async () => {
  appendFileSync(log, JSON.parse(await post('/__fake/calls')).calls.length + '\\n');
  await post('/__fake/reset');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
`,
  );
  const parallelRows = [
    {
      name: `${PARALLEL} parallel cold gets`,
      argv: [exe],
      env: { AWS_ECR_CACHE_DIR: join(temp, 'parallel-cache'), ...endpoint },
      go: GO_PARALLEL,
    },
    {
      name: `${PARALLEL} parallel cold gets, HTTPS via proxy`,
      argv: [exe],
      env: { AWS_ECR_CACHE_DIR: join(temp, 'parallel-cache'), ...viaProxy },
      go: GO_PARALLEL,
    },
    ...(goHelper ? [{ name: GO_PARALLEL, argv: [goHelper], env: { HOME: join(temp, 'go-home'), ...goEnv } }] : []),
  ];
  for (const row of parallelRows) {
    const failures = join(temp, 'failures');
    const callLog = join(temp, `calls-${parallelRows.indexOf(row)}`);
    writeFileSync(failures, '');
    const cacheDirs = [join(temp, 'parallel-cache'), join(temp, 'go-home', '.ecr')];
    const command = `${Object.entries(row.env)
      .map(([k, v]) => `${k}=${shq(v)}`)
      .join(' ')} exec sh ${[parallelScript, row.argv[0], join(temp, 'host'), PARALLEL, failures].map(shq).join(' ')}`;
    const prepare = `exec ${[process.execPath, prepareScript, fake.url, callLog, ...cacheDirs].map(shq).join(' ')}`;
    const [result] = hyperfine(hyperfinePath, [{ ...row, command }], {
      baseEnv,
      warmup: 1,
      runs,
      prepare,
      jsonPath: join(temp, 'parallel.json'),
    });
    const logged = readFileSync(callLog, 'utf8').trim().split('\n').map(Number).slice(1); // line 1: calls before the first run
    logged.push(await callCount(fake.url));
    const perRun = logged.slice(1); // the warm-up run's count comes first
    const failed = readFileSync(failures, 'utf8').trim();
    if (failed) fail(`${row.name}: some gets failed (exit codes ${failed.split('\n').join(', ')})`);
    measured.push({
      ...result,
      note: `API calls per run: ${Math.min(...perRun)}${Math.max(...perRun) !== Math.min(...perRun) ? `-${Math.max(...perRun)}` : ''} (${perRun.join(', ')})`,
    });
  }
  return measured;
}
