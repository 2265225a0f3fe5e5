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
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { bunExecutable, compile, neutraliseRuntime, root } from './compile.mjs';
import { basename, delimiter, join, relative } from 'node:path';

const quick = Boolean(process.env.DCE_BENCH_QUICK);
const PRIVATE_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PUBLIC_HOST = 'public.ecr.aws';
const PARALLEL = 32;
const GO_MISS = 'Go docker-credential-ecr-login get, miss, HTTPS via proxy';
const GO_HIT = 'Go docker-credential-ecr-login get, cache hit';
const EMPTY = 'compiled floor: empty Bun executable';
const MINIMAL_HIT = 'compiled floor: minimal hit, no checks';
const GO_PARALLEL = `Go helper: ${PARALLEL} parallel cold gets`;
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000001', AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key' };

class BenchError extends Error {}
const fail = (message) => {
  throw new BenchError(message);
};
const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (seconds) => seconds * 1000;

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function tool(name, pkg) {
  const path = which(name);
  if (!path) {
    console.error(`bench: ${name} is not installed: install the Debian package \`${pkg}\` (apt-get install ${pkg})`);
    process.exit(1);
  }
  return path;
}

/** The `aws` on PATH; through a pyenv shim, the script it stands for (a shim costs ~50 ms of its own). */
function awsCli() {
  const path = which('aws');
  if (!path) return undefined;
  if (path.includes(`${'/'}shims${'/'}`)) {
    const r = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return path;
}

/** Share of CPU time the machine spent busy over `ms` (Linux /proc/stat), before the bench adds its own. */
async function busyShare(ms) {
  const sample = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = sample();
  await new Promise((done) => setTimeout(done, ms));
  const b = sample();
  return a && b && b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : undefined;
}

function awsVersion(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split(' ')[0] ?? ''; // aws-cli/1.x prints it on stdout or stderr
}

async function startFake() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/fake-aws.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise((done, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        child.stdout.off('data', onData);
        try {
          done(JSON.parse(line));
        } catch {
          reject(new BenchError(`the fake AWS printed ${JSON.stringify(line)} instead of its address`));
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new BenchError(`the fake AWS exited (${code}) before printing its address`)));
  });
  return { ...info, stop: () => child.kill('SIGTERM') };
}

function post(url, path, body = '{}', headers = {}) {
  return new Promise((done, reject) => {
    const req = request(
      `${url}${path}`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => done({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const callCount = async (fakeUrl) => JSON.parse((await post(fakeUrl, '/__fake/calls')).text).calls.length;

/** The fake's answer to one GetAuthorizationToken, on a new connection each time, as a helper process makes it. */
async function fakeResponseTimes(fakeUrl, n) {
  // The fake checks the request time as AWS does (within 5 minutes), so the date is now's.
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
    // The fake reads the key and region from the credential scope; it does not check signatures.
    authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.AWS_ACCESS_KEY_ID}/${amzDate.slice(0, 8)}/eu-west-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'x-amz-date': amzDate,
  };
  const times = [];
  for (let i = 0; i < n + 10; i++) {
    const started = performance.now();
    const r = await post(fakeUrl, '/', '{}', headers);
    const elapsed = performance.now() - started;
    if (r.status !== 200 || !r.text.includes('authorizationToken'))
      fail(`the fake answered GetAuthorizationToken with ${r.status}: ${r.text.slice(0, 200)}`);
    if (i >= 10) times.push(elapsed); // the first ones warm up both ends
  }
  return times;
}

/** `sh -c` text for one row: variables, then exec, stdin from a here-document (a pipe in dash). */
function shellCommand(argv, { env = {}, input = PRIVATE_HOST } = {}) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`);
  return `${[...vars, 'exec', ...argv.map(shq)].join(' ')} <<'END_OF_INPUT'\n${input}\nEND_OF_INPUT`;
}

/** Runs a row's command once outside hyperfine and checks it does what it claims (no timing of failures). */
function validate(row, baseEnv) {
  const r = spawnSync('sh', ['-c', row.command], { env: baseEnv, encoding: 'utf8', timeout: 60_000 });
  const ok = row.expectFailure
    ? r.status === 1 && row.expectFailure.test(r.stderr)
    : r.status === 0 && (row.expect ? row.expect.test(r.stdout) : true);
  if (!ok)
    fail(
      `row "${row.name}" does not work: exit ${r.status ?? r.signal}, stdout ${JSON.stringify(r.stdout.slice(0, 300))}, stderr ${JSON.stringify((r.stderr ?? '').slice(0, 600))}`,
    );
}

/**
 * Times rows with hyperfine, in `rounds` invocations of runs/rounds runs each: hyperfine runs one command's runs
 * back to back, so a change of background load would otherwise land on some rows only.
 */
function hyperfine(
  hyperfinePath,
  rows,
  { baseEnv, warmup, runs, rounds = 1, prepare, jsonPath, ignoreFailure = false },
) {
  const times = rows.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const args = [
      '--shell',
      'sh',
      '--output',
      'pipe',
      '--style',
      'basic',
      '--warmup',
      String(warmup),
      '--runs',
      String(Math.ceil(runs / rounds)),
      '--export-json',
      jsonPath,
    ];
    if (prepare) args.push('--prepare', prepare);
    if (ignoreFailure) args.push('--ignore-failure'); // rows that time an error; validate() checked its message
    for (const row of rows) args.push('--command-name', row.name, row.command);
    const r = spawnSync(hyperfinePath, args, {
      env: baseEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    if (r.status !== 0) fail(`hyperfine failed (exit ${r.status ?? r.signal}):\n${r.stderr || r.stdout}`);
    JSON.parse(readFileSync(jsonPath, 'utf8')).results.forEach((result, i) => times[i].push(...result.times.map(ms)));
  }
  return rows.map((row, i) => ({ ...row, times: times[i] }));
}

/** Peak memory (max RSS, MiB) of one run of a row's command, `n` times, from GNU time. */
function peakRssMiB(gnuTime, row, baseEnv, n) {
  const values = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(gnuTime, ['-f', '%M', 'sh', '-c', row.command], {
      env: baseEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const kib = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1]);
    if (r.status !== 0 || !kib)
      fail(
        `max RSS of "${row.name}": exit ${r.status ?? r.signal}, stderr ${JSON.stringify((r.stderr ?? '').slice(-300))}`,
      );
    values.push(kib / 1024);
  }
  return values;
}

async function main() {
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
    writeFileSync(join(temp, 'empty.js'), '');
    // The least a compiled Bun executable costs: an empty program, compiled as the build compiles ours.
    writeFileSync(join(temp, 'empty.ts'), '');
    // The least a hit can be in this runtime: read stdin, read one small file, write the answer, with the calls
    // src/fast-hit.ts uses (Bun.stdin, Bun.file, Bun.write) and no check of any kind (no cache key, no directory's
    // owner, no freshness). Where our hit's memory or time cannot come closer to the empty program than this, the
    // runtime is the floor, not our code.
    writeFileSync(
      join(temp, 'minimal-hit.ts'),
      [
        'const bun = (globalThis as any).Bun;',
        'const stdin: Uint8Array = await bun.stdin.slice(0, 65537).bytes();',
        `const token = JSON.parse(new TextDecoder().decode(await bun.file(${JSON.stringify(join(temp, 'minimal-hit-token.json'))}).slice(0, 65537).bytes()));`,
        "await bun.write(bun.stdout, JSON.stringify({ ServerURL: new TextDecoder().decode(stdin).trim(), Username: token.username, Secret: token.password }) + '\\n');",
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(temp, 'minimal-hit-token.json'),
      JSON.stringify({ username: 'AWS', password: `fake-ecr-${'x'.repeat(1200)}` }),
    );
    neutraliseRuntime(bun.path, join(temp, 'runtime'));
    for (const name of ['empty', 'minimal-hit'])
      compile({
        bun,
        target: `bun-${process.platform}-${process.arch}`,
        runtime: join(temp, 'runtime'),
        outfile: join(temp, `${name}-exe`),
        entry: join(temp, `${name}.ts`),
      });
    const baseEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...KEYS,
    };
    const endpoint = { AWS_ENDPOINT_URL_ECR: fake.url, AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url };
    // HTTPS to the real host names through the fake's CONNECT proxy, which terminates TLS with its own CA.
    const viaProxy = { HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile };
    const goEnv = { HTTPS_PROXY: fake.url, SSL_CERT_FILE: fake.caFile };
    const miss = { AWS_ECR_DISABLE_CACHE: '1' };
    const answer = /"Secret":"fake-ecr/;

    // Group 1: start-up and cache hits. The caches are seeded first (one get each).
    const hits = [
      {
        name: 'runtime floor: bun empty.js',
        command: shellCommand([bun.path, join(temp, 'empty.js')]),
        note: `Bun ${bun.version}, the runtime the executable is made of`,
        go: GO_HIT,
      },
      {
        name: EMPTY,
        command: shellCommand([join(temp, 'empty-exe')]),
        note: 'an empty program compiled as ours is',
        go: GO_HIT,
      },
      {
        name: MINIMAL_HIT,
        command: shellCommand([join(temp, 'minimal-hit-exe')]),
        expect: answer,
        note: 'read stdin, read one file, write; no checks at all (compiled as ours is)',
        go: GO_HIT,
      },
      {
        name: 'docker-credential-ecr version',
        command: shellCommand([exe, 'version']),
        expect: /docker-credential-ecr /,
        go: GO_HIT,
      },
      {
        name: 'get, cache hit, private',
        command: shellCommand([exe, 'get'], { env: endpoint }),
        expect: answer,
        note: 'from the memo (the first hit after validation, a warm-up run, wrote it)',
        go: GO_HIT,
      },
      {
        name: 'get, cache hit, public',
        command: shellCommand([exe, 'get'], { env: endpoint, input: PUBLIC_HOST }),
        expect: answer,
        go: GO_HIT,
      },
      {
        name: 'kubelet mode, cache hit',
        command: shellCommand([exe, 'kubelet-credential-provider'], {
          env: endpoint,
          input: JSON.stringify({
            kind: 'CredentialProviderRequest',
            apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
            image: `${PRIVATE_HOST}/app`,
          }),
        }),
        expect: /"password":"fake-ecr/,
        note: 'a CredentialProviderRequest on stdin, as the kubelet runs it',
        go: GO_HIT,
      },
      {
        name: 'get, cache hit, private, full path (no memo)',
        command: shellCommand([exe, 'get'], { env: { ...endpoint, DOCKER_CREDENTIAL_ECR_LOG: 'info' } }),
        expect: answer,
        note: 'DOCKER_CREDENTIAL_ECR_LOG=info: a run that may log more than warnings neither writes nor uses a memo',
        go: GO_HIT,
      },
      {
        name: 'get, cache hit, private, AWS_CA_BUNDLE set',
        command: shellCommand([exe, 'get'], { env: { ...endpoint, AWS_CA_BUNDLE: fake.caFile } }),
        expect: answer,
        go: `${GO_HIT}, AWS_CA_BUNDLE set`,
      },
      ...(goHelper
        ? [
            {
              name: GO_HIT,
              command: shellCommand([goHelper, 'get']),
              expect: answer,
              note: 'clean environment: static keys, no proxy, no CA bundle',
            },
            {
              name: `${GO_HIT}, AWS_CA_BUNDLE set`,
              command: shellCommand([goHelper, 'get'], { env: { AWS_CA_BUNDLE: fake.caFile } }),
              expect: answer,
              note: 'it parses the bundle on every start',
            },
          ]
        : []),
    ];
    // Group 2: token fetches, every run a miss.
    const misses = [
      {
        name: 'get, miss (fake ECR endpoint)',
        command: shellCommand([exe, 'get'], { env: { ...endpoint, ...miss } }),
        expect: answer,
        note: 'AWS_ECR_DISABLE_CACHE=1, AWS_ENDPOINT_URL_ECR=http://127.0.0.1',
        go: GO_MISS,
      },
      {
        name: 'get, miss, public (fake endpoint)',
        command: shellCommand([exe, 'get'], { env: { ...endpoint, ...miss }, input: PUBLIC_HOST }),
        expect: answer,
        go: GO_MISS,
      },
      {
        name: 'get, miss, HTTPS via proxy',
        command: shellCommand([exe, 'get'], { env: { ...viaProxy, ...miss } }),
        expect: answer,
        note: 'real AWS host name through HTTPS_PROXY (CONNECT + TLS), as the Go helper below',
        go: GO_MISS,
      },
      ...(goHelper
        ? [
            {
              name: 'Go docker-credential-ecr-login get, miss, HTTPS via proxy',
              command: shellCommand([goHelper, 'get'], { env: { ...goEnv, ...miss } }),
              expect: answer,
              note: 'it has no endpoint override: HTTPS_PROXY + SSL_CERT_FILE',
            },
          ]
        : []),
    ];
    // No credentials at all, and an instance metadata service that never answers (a laptop, a CI runner).
    const noCredentials = {
      name: 'get, no credentials, metadata service silent',
      command: shellCommand([exe, 'get'], {
        env: {
          ...endpoint,
          ...miss,
          AWS_EC2_METADATA_DISABLED: '',
          AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.blackHoleUrl,
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_CONFIG_FILE: join(temp, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(temp, 'none'),
        },
      }),
      expectFailure: /no AWS credentials were found/,
      note: 'the clear error; target <= 2 s (the Go helper: 19 s)',
    };
    const slow = aws
      ? [
          {
            name: 'aws ecr get-login-password (fake endpoint)',
            command: shellCommand([
              aws,
              'ecr',
              'get-login-password',
              '--region',
              'us-east-1',
              '--endpoint-url',
              fake.url,
            ]),
            expect: /^fake-ecr/,
            note: awsVersion(aws),
            go: GO_MISS,
          },
        ]
      : [];

    // Seed the caches (ours and the Go helper's) for the hit rows, and check every row once. The Go helper's hit
    // rows run without a proxy, so its cache is filled through the proxy first.
    if (goHelper)
      validate(
        {
          name: 'Go helper: filling its cache',
          command: shellCommand([goHelper, 'get'], { env: goEnv }),
          expect: answer,
        },
        baseEnv,
      );
    for (const row of [...hits, ...misses, ...slow, noCredentials]) validate(row, baseEnv);

    const n = quick
      ? { hit: 10, hitRounds: 1, miss: 6, rounds: 1, slow: 3, parallel: 3, fake: 50, rss: 3 }
      : { hit: 80, hitRounds: 40, miss: 32, rounds: 8, slow: 10, parallel: 10, fake: 300, rss: 15 };
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
        .join(
          ' ',
        )} exec sh ${[parallelScript, row.argv[0], join(temp, 'host'), PARALLEL, failures].map(shq).join(' ')}`;
      const prepare = `exec ${[process.execPath, prepareScript, fake.url, callLog, ...cacheDirs].map(shq).join(' ')}`;
      const [result] = hyperfine(hyperfinePath, [{ ...row, command }], {
        baseEnv,
        warmup: 1,
        runs: n.parallel,
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

    // Peak memory of a hit and a miss, ours and the Go helper's (caches seeded by validate() above).
    const rss = (name, row, go) => ({ name, times: peakRssMiB(gnuTime, row, baseEnv, n.rss), unit: 'MiB', go });
    const rowNamed = (name) => [...hits, ...misses].find((r) => r.name === name);
    const memory = [
      rss('max RSS: empty Bun executable', rowNamed(EMPTY), 'max RSS: Go helper get, cache hit'),
      rss('max RSS: minimal hit, no checks', rowNamed(MINIMAL_HIT), 'max RSS: Go helper get, cache hit'),
      rss('max RSS: get, cache hit', rowNamed('get, cache hit, private'), 'max RSS: Go helper get, cache hit'),
      rss(
        'max RSS: get, cache hit, full path (no memo)',
        rowNamed('get, cache hit, private, full path (no memo)'),
        'max RSS: Go helper get, cache hit',
      ),
      rss(
        'max RSS: get, miss (fake endpoint)',
        rowNamed('get, miss (fake ECR endpoint)'),
        'max RSS: Go helper get, miss',
      ),
      rss(
        'max RSS: get, miss, HTTPS via proxy',
        rowNamed('get, miss, HTTPS via proxy'),
        'max RSS: Go helper get, miss',
      ),
      ...(goHelper
        ? [
            rss('max RSS: Go helper get, cache hit', rowNamed(GO_HIT)),
            rss('max RSS: Go helper get, miss', rowNamed(GO_MISS)),
          ]
        : []),
    ];

    // The table: every row's median and its ratio to the Go helper's matching row.
    const fakeMedian = median(fakeTimes);
    const row = (r) => ({
      name: r.name,
      median: median(r.times),
      runs: r.times.length,
      note: r.note ?? '',
      go: r.go,
      unit: r.unit ?? 'ms',
    });
    const table = [
      ...measured.slice(0, hits.length + misses.length).map(row),
      row({
        name: 'fake ECR: one GetAuthorizationToken (client in process, new connection)',
        times: fakeTimes,
        note: 'server + loopback only; no process start',
      }),
      ...measured.slice(hits.length + misses.length).map(row),
      ...memory.map(row),
    ];
    const gzipped = (p) => gzipSync(readFileSync(p), { level: 9 }).length;
    const sizeRow = (name, p, go) => ({
      name,
      median: statSync(p).size / 1024 / 1024,
      runs: 1,
      note: `gzip -9: ${(gzipped(p) / 1024 / 1024).toFixed(1)} MiB`,
      go,
      unit: 'MiB',
    });
    table.push(sizeRow('executable size', exe, 'Go helper executable size'));
    if (goHelper) table.push(sizeRow('Go helper executable size', goHelper));
    const byName = (name) => table.find((r) => r.name === name)?.median;
    const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
    const ratio = (r) => {
      const go = r.go ? byName(r.go) : undefined;
      return go
        ? `${(r.median / go).toFixed(2)}`
        : r.name.startsWith('Go ') || r.name.includes('Go helper')
          ? '1.00'
          : '-';
    };
    const lines = [
      '| Row | Median | x Go helper | Runs | Note |',
      '|---|---:|---:|---:|---|',
      ...table.map((r) => `| ${r.name} | ${fmt(r.median)} ${r.unit} | ${ratio(r)} | ${r.runs} | ${r.note} |`),
    ];
    // Issue 20's targets, one line per row: PASS or FAIL, the figures and the limit they were held to.
    const verdicts = [];
    const target = (label, value, limit, how, unit = 'ms') =>
      verdicts.push(
        `${value <= limit ? 'PASS' : 'FAIL'} ${label}: ${fmt(value)} ${unit} <= ${how} = ${fmt(limit)} ${unit}`,
      );
    const goHit = byName(GO_HIT);
    const empty = byName(EMPTY);
    if (goHit) {
      for (const name of ['get, cache hit, private', 'get, cache hit, public', 'kubelet mode, cache hit'])
        target(
          `${name} (${(byName(name) / goHit).toFixed(2)} x)`,
          byName(name),
          1.5 * goHit,
          `1.5 x Go helper's hit ${fmt(goHit)} ms`,
        );
    } else verdicts.push('(no hit verdicts: the Go helper is not installed)');
    target(
      `version (${(byName('docker-credential-ecr version') / empty).toFixed(2)} x)`,
      byName('docker-credential-ecr version'),
      1.2 * empty,
      `1.2 x the empty compiled program's ${fmt(empty)} ms`,
    );
    const emptyRss = byName('max RSS: empty Bun executable');
    target(
      'peak memory of a hit',
      byName('max RSS: get, cache hit'),
      emptyRss + 3,
      `the empty compiled program's ${fmt(emptyRss)} MiB + 3 MiB`,
      'MiB',
    );
    // Issue 24: the hit at the runtime's floor, against the empty program and the minimal hit compiled as ours is.
    for (const name of ['get, cache hit, private', 'get, cache hit, public', 'kubelet mode, cache hit'])
      target(
        `${name} (${(byName(name) / empty).toFixed(2)} x the empty program, ${(byName(name) / byName(MINIMAL_HIT)).toFixed(2)} x the minimal hit)`,
        byName(name),
        1.4 * empty,
        `1.4 x the empty compiled program's ${fmt(empty)} ms`,
      );
    const minimalRss = byName('max RSS: minimal hit, no checks');
    target(
      'peak memory of a hit against the minimal hit',
      byName('max RSS: get, cache hit'),
      minimalRss + 3,
      `the minimal hit's ${fmt(minimalRss)} MiB + 3 MiB`,
      'MiB',
    );
    verdicts.push(
      `  the runtime's floor for any hit: a program that only reads stdin, reads one file and writes peaks at ${fmt(byName('max RSS: minimal hit, no checks'))} MiB ` +
        `(${fmt(byName('max RSS: minimal hit, no checks') - emptyRss)} MiB over the empty program) and takes ${fmt(byName(MINIMAL_HIT))} ms (${(byName(MINIMAL_HIT) / empty).toFixed(2)} x the empty program); ours is ${fmt(byName('max RSS: get, cache hit') - byName('max RSS: minimal hit, no checks'))} MiB and ${fmt(byName('get, cache hit, private') - byName(MINIMAL_HIT))} ms over that`,
    );
    const goMiss = byName(GO_MISS);
    if (goMiss) {
      for (const [name, memory] of [
        ['get, miss (fake ECR endpoint)', 'max RSS: get, miss (fake endpoint)'],
        ['get, miss, HTTPS via proxy', 'max RSS: get, miss, HTTPS via proxy'],
      ])
        target(
          `${name} (${(byName(name) / goMiss).toFixed(2)} x; peak memory ${fmt(byName(memory))} MiB, the Go helper's ${fmt(byName('max RSS: Go helper get, miss'))} MiB)`,
          byName(name),
          2 * goMiss,
          `2 x Go helper's miss ${fmt(goMiss)} ms`,
        );
    }
    const version = byName('docker-credential-ecr version');
    const hit = byName('get, cache hit, private');
    verdicts.push(
      `where a hit's ${fmt(hit)} ms go: ${fmt(empty)} ms the runtime's own start-up (the empty compiled program), ${fmt(version - empty)} ms loading our entry chunk and one write (version), ` +
        `${fmt(hit - version)} ms the memo (reading stdin, its digest, one stat per file the decision read, the token file); without the memo the full path takes ${fmt(byName('get, cache hit, private, full path (no memo)') - hit)} ms more`,
    );
    verdicts.push(`fake ECR's own response time: ${fmt(fakeMedian)} ms`);
    const loadAfter = loadavg()[0];
    const header = [
      `docker-credential-ecr bench, ${new Date().toISOString()}`,
      `executable ${relative(root, built) || built} (${(statSync(built).size / 1024 / 1024).toFixed(1)} MiB, Bun ${bun.version}); floor: the same Bun running an empty script`,
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Linux ${release()}; ${spawnSync(hyperfinePath, ['--version'], { encoding: 'utf8' }).stdout.trim()}; CPUs ${busyBefore === undefined ? '?' : `${(busyBefore * 100).toFixed(0)}%`} busy just before; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (the bench's own included)`,
      `aws: ${aws ?? 'not installed (not measured)'}; Go helper: ${goHelper ?? 'docker-credential-ecr-login not installed (Debian package amazon-ecr-credential-helper; not measured)'}`,
    ];
    // Measured before the run: the bench's own parallel rows push any load figure up.
    const warning =
      busyBefore !== undefined && busyBefore > 0.1
        ? [
            '',
            `warning: other processes kept the CPUs ${(busyBefore * 100).toFixed(0)}% busy just before the run; medians are noisier than usual`,
          ]
        : [];
    const text = [...header, '', ...lines, '', ...verdicts, ...warning, ''].join('\n');
    console.log(text);
    const resultsDir = join(root, 'bench-results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
    writeFileSync(
      file,
      `# ${header[0]}\n\n${header
        .slice(1)
        .map((l) => `- ${l}`)
        .join('\n')}\n\n${lines.join('\n')}\n\n${verdicts.map((v) => `- ${v}`).join('\n')}\n${warning.join('\n')}\n`,
    );
    console.log(`written to ${relative(root, file)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    fake.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof BenchError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
});
