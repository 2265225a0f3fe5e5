// The programs the bench runs or compares with, found on PATH: hyperfine, GNU time, the aws CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export function tool(name, pkg) {
  const path = which(name);
  if (!path) {
    console.error(`bench: ${name} is not installed: install the Debian package \`${pkg}\` (apt-get install ${pkg})`);
    process.exit(1);
  }
  return path;
}

/** The `aws` on PATH; through a pyenv shim, the script it stands for (a shim costs ~50 ms of its own). */
export function awsCli() {
  const path = which('aws');
  if (!path) return undefined;
  if (path.includes(`${'/'}shims${'/'}`)) {
    const r = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return path;
}

export function awsVersion(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split(' ')[0] ?? ''; // aws-cli/1.x prints it on stdout or stderr
}
