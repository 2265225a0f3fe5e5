// What a profile's credential_process answer depends on besides the profile's text. The SDK runs the command line
// through a shell (child_process.exec: /bin/sh -c, cmd.exe on Windows) in this process's environment and working
// directory, so `credential_process = /opt/cp.sh $TEAM` answers as another identity when TEAM changes. The key takes
// what the command line itself names: the variables it expands, PATH when the program is looked up on it, HOME for
// `~`, and the working directory for a relative path. A command line too involved to read that way (command
// substitution, arithmetic, subshells and groups, pipes and lists, redirections, a launcher such as env or sh that
// looks the program up itself) is keyed on the whole environment and the working directory instead. What a program
// reads by itself (its own environment, files, the time) is not seen: docs/security.md says so, and how to name
// such a variable on the command line.

export interface CommandInputs {
  /** name=value (or name unset) for every variable the command line expands, sorted: cache-key material. */
  material: string;
  /** The variables named, for the memo of a hit (some of them are not part of the memo's name). */
  variables: string[];
  /** The command depends on the working directory, which the memo's name does not cover. */
  workingDirectory: boolean;
}

// $NAME and ${NAME...} (sh), %NAME% (cmd.exe). Special parameters ($1, $$, $?) name nothing in the environment.
const SH_VARIABLE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
const CMD_VARIABLE = /%([A-Za-z_][A-Za-z0-9_()]*)%/g;

/** The first word of the command line, unquoted as far as a key needs (no variable expansion). */
function programWord(command: string): string {
  // Leading assignments (`TEAM="$TEAM" cp.sh`) are not the program.
  const trimmed = command.replace(/^\s*(?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|[^\s"'])*\s+)*/, '');
  const quote = trimmed[0] === '"' || trimmed[0] === "'" ? trimmed[0] : undefined;
  if (quote) return trimmed.slice(1, trimmed.indexOf(quote, 1) === -1 ? undefined : trimmed.indexOf(quote, 1));
  return trimmed.split(/[\s;&|<>()]/)[0] ?? '';
}

/** Shell syntax whose inputs cannot be read off the line: $( ), backticks, $(( )), ( ) and { } groups, ; | & < >. */
const SUBSTITUTION = /\$\(|`/;
const OPAQUE_SYNTAX = /[(){};|&<>]/;
/** ${NAME} and ${NAME:-word}: expansions SH_VARIABLE reads, whose braces are not groups (a $( inside is caught above). */
const PARAMETER_EXPANSION = /\$\{[^}]*\}/g;
/** Programs that run another program they look up themselves, or a shell that reads its own command line. */
const LAUNCHERS = new Set([
  'env',
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'busybox',
  'exec',
  'command',
  'eval',
  'nohup',
  'timeout',
  'nice',
  'stdbuf',
  'xargs',
  'sudo',
  'doas',
  'su',
  'cmd',
  'cmd.exe',
  'powershell',
  'pwsh',
  'start',
]);

/** The line's words after the program, unquoted roughly (enough to tell options and paths apart). */
function argumentWords(command: string): string[] {
  return (command.match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? []).slice(1).map((w) => w.replace(/^["']|["']$/g, ''));
}

/**
 * An argument that may name a file relative to the working directory: not an option, not absolute, not `~` or a
 * variable, and shaped like a path (a `/` or a `.` in it: `creds.json`, `conf/team`). A bare word naming a file
 * (`cat creds`) is not told from a word of the program's own (`aws-vault export prod`): docs/security.md says so.
 */
function relativeArgument(word: string): boolean {
  return (
    !word.startsWith('-') &&
    !word.startsWith('/') &&
    !word.startsWith('~') &&
    !word.startsWith('$') &&
    !/^[A-Za-z]:[/\\]/.test(word) &&
    /[/\\.]/.test(word) &&
    !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(word)
  );
}

/** A path relative to the working directory: neither absolute, nor `~`, nor a bare name looked up on PATH. */
function relativePath(word: string): boolean {
  return (
    /[/\\]/.test(word) &&
    !word.startsWith('/') &&
    !word.startsWith('~') &&
    !word.startsWith('$') &&
    !/^[A-Za-z]:[/\\]/.test(word) &&
    !word.startsWith('\\\\')
  );
}

export function commandInputs(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): CommandInputs {
  const program = programWord(command);
  const base = program.split(/[/\\]/).pop() ?? '';
  if (
    SUBSTITUTION.test(command) ||
    OPAQUE_SYNTAX.test(command.replace(PARAMETER_EXPANSION, '')) ||
    LAUNCHERS.has(base) ||
    program === ''
  ) {
    // Anything in the environment, and the directory, may change the answer: all of it is key material.
    const variables = Object.keys(env).sort();
    return {
      material: JSON.stringify([variables.map((name) => [name, env[name] ?? null]), cwd]),
      variables,
      workingDirectory: true,
    };
  }
  const names = new Set<string>();
  for (const match of command.matchAll(SH_VARIABLE)) names.add(match[1]);
  for (const match of command.matchAll(CMD_VARIABLE)) names.add(match[1]);
  // A bare program name is found on PATH (and, by cmd.exe, with PATHEXT); `~` is HOME.
  if (program !== '' && !/[/\\]/.test(program) && !program.includes('$') && !program.includes('%'))
    names.add('PATH').add('PATHEXT');
  if (/(^|[\s=:'"])~/.test(command)) names.add('HOME');
  const workingDirectory =
    relativePath(program) || /(^|\s)\.\.?[/\\]/.test(command) || argumentWords(command).some(relativeArgument);
  const variables = [...names].sort();
  const values = variables.map((name) => [name, env[name] ?? null]);
  return { material: JSON.stringify([values, workingDirectory ? cwd : null]), variables, workingDirectory };
}
