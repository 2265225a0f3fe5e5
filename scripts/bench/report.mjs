// The report: a header about the run and the machine, the table, the verdicts; printed and written to
// bench-results/<timestamp>.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join, relative } from 'node:path';
import { root } from '../compile.mjs';

export function report({ started, built, bun, hyperfinePath, busyBefore, loadBefore, aws, goHelper, lines, verdicts }) {
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
}
