// The commands the README and docs/ show, found by the rule CONTRIBUTING.md writes down ("Commands in the docs"):
// 1. a fenced block tagged sh, bash, shell or zsh: every line that is not blank and not a comment;
//    a fenced block tagged bat, cmd, powershell or ps1: every line that is not blank and not a comment;
// 2. any other fenced block (console, none, json...): every line that starts with `$ ` (the rest is output);
// 3. a table column headed "Command": every code span in its cells that has a space in it;
// 4. anywhere else outside fences: a code span whose first word is a program (PROGRAMS) and that has an argument,
//    unless test/docs/doc-exemptions.ts lists it as naming a command rather than showing one to type.
// A line ending in `\` goes on on the next line (kept as written: /bin/sh joins it); in a shell block, a line that
// opens a here-document (`<<'EOF'`, `<<EOF`, `<<-EOF`) goes on to its delimiter line, because /bin/sh reads those
// lines as the command's input, not as commands. The same text shown twice is one command (for the same shell):
// running it once covers every place it is shown.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What identifies a command for coverage: its shell and its text. */
export const commandKey = (c: { shell: string; text: string }): string => `${c.shell}\0${c.text}`;

export interface ShownCommand {
  /** Path from the repository root, e.g. docs/tokens.md. */
  file: string;
  /** 1-based line of the command's first line. */
  line: number;
  /** The command as written (continuation lines included; `\|` in a table cell read as `|`). */
  text: string;
  kind: 'block' | 'prompt' | 'table' | 'inline';
  /** What runs it: /bin/sh, except in a block tagged for Windows (cmd for bat/cmd, powershell for powershell/ps1). */
  shell: 'sh' | 'cmd' | 'powershell';
  /** For a `$ ` line: the lines shown after it, up to the next `$ ` line or the end of the block. */
  output?: string[];
}

/** First words that make an inline code span a command (rule 4). */
export const PROGRAMS = [
  'docker-credential-ecr',
  'ecr-credential-provider',
  'docker',
  'sudo',
  'kubectl',
  'helm',
  'oras',
  'crictl',
  'podman',
  'skopeo',
  'buildah',
  'aws',
  'npm',
  'npx',
  'node',
  'bash',
  'sh',
  'eval',
  'sha256sum',
  'shasum',
  'certutil',
  'copy',
  'icacls',
  'xattr',
  'apk',
  'apt',
  'apt-get',
  'dpkg',
  'rpm',
  'dnf',
  'yum',
  'brew',
  'scoop',
  'winget',
  'man',
  'journalctl',
  'systemctl',
  'psexec',
  'curl',
  'wget',
  'tar',
  'unzip',
  'gpg',
  'minisign',
  'cosign',
  'install',
] as const;

const SHELL = new Set(['sh', 'bash', 'shell', 'zsh']);
const WINDOWS = new Set(['bat', 'cmd', 'powershell', 'ps1', 'pwsh']);

/** The documentation the rule covers: README.md and every docs/**\/*.md. */
export function docFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  return [
    ...(existsSync(join(root, 'README.md')) ? ['README.md'] : []),
    ...(existsSync(join(root, 'docs')) ? walk('docs').sort() : []),
  ];
}

/** Every command shown in the documentation under root. */
export function shownCommands(root: string, notCommands: ReadonlySet<string> = new Set()): ShownCommand[] {
  return docFiles(root).flatMap((file) =>
    extractCommands(relative(root, join(root, file)), readFileSync(join(root, file), 'utf8'), notCommands),
  );
}

/** Code spans of a line of prose or a table cell: [text, offset]. */
function codeSpans(text: string): { code: string; at: number }[] {
  return [...text.matchAll(/(`+)([\s\S]+?)\1/g)].map((m) => ({ code: m[2].trim(), at: m.index }));
}

/** Table cells of a row, split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

const isProgramCommand = (code: string): boolean => {
  const [first, ...rest] = code.split(/\s+/);
  return rest.length > 0 && (PROGRAMS as readonly string[]).includes(first);
};

export function extractCommands(
  file: string,
  markdown: string,
  notCommands: ReadonlySet<string> = new Set(),
): ShownCommand[] {
  const lines = markdown.split('\n');
  const found: ShownCommand[] = [];
  let prose: { text: string; line: number }[] = [];
  let commandColumn = -1;
  const flushProse = (): void => {
    // Code spans may cross line breaks, so a paragraph is read whole; a span's line is where it starts.
    const joined = prose.map((p) => p.text).join('\n');
    for (const { code, at } of codeSpans(joined)) {
      const text = code.replace(/\s*\n\s*/g, ' ');
      if (!isProgramCommand(text) || notCommands.has(text)) continue;
      const line = prose[joined.slice(0, at).split('\n').length - 1].line;
      found.push({ file, line, text, kind: 'inline', shell: 'sh' });
    }
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (fence) {
      flushProse();
      const [, indent, marker, lang] = fence;
      const body: { text: string; line: number }[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(marker); i++)
        body.push({ text: lines[i].slice(indent.length), line: i + 1 });
      found.push(...blockCommands(file, lang.toLowerCase(), body));
      continue;
    }
    const row = lines[i];
    if (/^\s*\|/.test(row)) {
      flushProse();
      const row_cells = cells(row);
      if (/^\s*\|?\s*:?-{3,}/.test(row)) continue;
      const isHeader = i + 1 < lines.length && /^\s*\|\s*:?-{3,}/.test(lines[i + 1]);
      if (isHeader) {
        commandColumn = row_cells.findIndex((c) => c.replace(/`/g, '') === 'Command');
        continue;
      }
      row_cells.forEach((cell, column) => {
        for (const { code } of codeSpans(cell)) {
          const text = code.replace(/\\\|/g, '|');
          if (column === commandColumn ? /\s/.test(text) : isProgramCommand(text) && !notCommands.has(text))
            found.push({ file, line: i + 1, text, kind: column === commandColumn ? 'table' : 'inline', shell: 'sh' });
        }
      });
      continue;
    }
    commandColumn = -1;
    if (row.trim() === '') flushProse();
    else prose.push({ text: row, line: i + 1 });
  }
  flushProse();
  return found;
}

function blockCommands(file: string, lang: string, body: { text: string; line: number }[]): ShownCommand[] {
  const found: ShownCommand[] = [];
  const every = SHELL.has(lang) || WINDOWS.has(lang);
  const comment = SHELL.has(lang) ? /^\s*#/ : /^\s*(#|REM\b|::)/i;
  for (let j = 0; j < body.length; j++) {
    const { text, line } = body[j];
    const prompt = /^\s*\$ (.*)$/.exec(text);
    if (every ? text.trim() === '' || comment.test(text) : !prompt) continue;
    const parts = [every ? text : prompt![1]];
    while (parts.at(-1)!.endsWith('\\') && j + 1 < body.length) parts.push(body[++j].text);
    const heredoc = SHELL.has(lang) ? /(?<!<)<<(?!<)(-?)\s*(['"]?)([\w-]+)\2/.exec(parts.at(-1)!) : null;
    if (heredoc) {
      const [, strip, , delimiter] = heredoc;
      while (j + 1 < body.length && (strip ? body[j + 1].text.replace(/^\t+/, '') : body[j + 1].text) !== delimiter)
        parts.push(body[++j].text);
      if (j + 1 < body.length) parts.push(body[++j].text);
    }
    const shell = WINDOWS.has(lang) ? (lang === 'bat' || lang === 'cmd' ? 'cmd' : 'powershell') : 'sh';
    const command: ShownCommand = { file, line, text: parts.join('\n'), kind: every ? 'block' : 'prompt', shell };
    if (!every) {
      const output: string[] = [];
      while (j + 1 < body.length && !/^\s*\$ /.test(body[j + 1].text)) output.push(body[++j].text);
      command.output = output;
    }
    found.push(command);
  }
  return found;
}
