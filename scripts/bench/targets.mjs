// The targets of issues 20 and 24, one line per row: PASS or FAIL, the figures and the limit they were held to; and
// where a hit's time goes.
import { EMPTY, GO_HIT, GO_MISS, MINIMAL_HIT } from './names.mjs';
import { fmt } from './numbers.mjs';
import { medianOf } from './table.mjs';

export function verdictLines(table, fakeMedian) {
  const byName = (name) => medianOf(table, name);
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
  return verdicts;
}
