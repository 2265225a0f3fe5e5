// Peak memory of a hit and a miss, ours, the floors' and the Go helper's.
import { EMPTY, GO_HIT, GO_MISS, MINIMAL_HIT } from './names.mjs';
import { peakRssMiB } from './peak-rss.mjs';

export function memoryRows({ gnuTime, rows, goHelper, baseEnv, runs }) {
  // Peak memory of a hit and a miss, ours and the Go helper's (caches seeded by validate() above).
  const rss = (name, row, go) => ({ name, times: peakRssMiB(gnuTime, row, baseEnv, runs), unit: 'MiB', go });
  const rowNamed = (name) => rows.find((r) => r.name === name);
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
    rss('max RSS: get, miss, HTTPS via proxy', rowNamed('get, miss, HTTPS via proxy'), 'max RSS: Go helper get, miss'),
    ...(goHelper
      ? [
          rss('max RSS: Go helper get, cache hit', rowNamed(GO_HIT)),
          rss('max RSS: Go helper get, miss', rowNamed(GO_MISS)),
        ]
      : []),
  ];
  return memory;
}
