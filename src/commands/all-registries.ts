// `configure --all-registries`: one line in the Docker config, `"credsStore": "ecr"`, so that every ECR registry
// (any account, any region, ECR Public) goes to this helper with no per-host entry. The store that was there
// (`"credsStore": "desktop"`, "osxkeychain", "pass"...) moves into the helper's config file, which hands it every
// registry we do not serve (src/docker/creds-store.ts), so `docker login ghcr.io` and Docker Hub keep working.
// `configure --undo-all-registries` puts it back. Both show the diff of each file, and --dry-run writes nothing.
import { applyEdits, modify } from 'jsonc-parser/lib/esm/main.js';
import { assertWritable, WriteError, writeFileAtomically } from '../platform/atomic-write';
import {
  DockerConfigError,
  HELPER_NAME,
  parseDockerConfig,
  readConfigFile,
  type ConfigFile,
} from '../docker/config-file';
import { NO_STORE, otherStore, servesServerUrl } from '../docker/creds-store';
import { ConfigError, HelperError } from '../platform/errors';
import { printable, printableAscii } from '../platform/log';
import { selfExecutable } from '../platform/runtime';
import { EXECUTABLE_NAME, findOnPath, linkCommand, pathStatus } from '../platform/executable-path';
import { parseServerUrl } from '../registry/host';
import { loadRegistryConfig, storeNameProblem } from '../registry/config-file';
import { readSetupSettings } from '../platform/setup-settings';
import { unifiedDiff } from '../platform/text-diff';
import type { CommandIo } from './command-io';

export const ALL_REGISTRIES_FLAGS = ['--all-registries', '--undo-all-registries'] as const;

/** Sets (or with `undefined`, removes) a top-level string key, keeping every other byte of the file. */
function withKey(text: string | undefined, key: string, value: string | undefined): string {
  const base = text === undefined || text.trim() === '' ? '{}' : text;
  const tabs = !/^ +"/m.test(base);
  const edits = modify(base, [key], value, {
    formattingOptions: {
      insertSpaces: !tabs,
      tabSize: tabs ? 1 : (/^( +)"/m.exec(base)?.[1]?.length ?? 2),
      eol: base.includes('\r\n') ? '\r\n' : '\n',
    },
  });
  const result = applyEdits(base, edits);
  return result.endsWith('\n') ? result : `${result}\n`;
}

interface Change {
  label: string;
  file: ConfigFile;
  text: string;
}

export async function runAllRegistries(argv: readonly string[], deps: CommandIo): Promise<number> {
  const say = (line = ''): void => {
    deps.stdout.write(`${line}\n`);
  };
  const complain = (line: string): void => {
    deps.stderr.write(`docker-credential-ecr: ${line}\n`);
  };
  const undo = argv.includes('--undo-all-registries');
  const dryRun = argv.includes('--dry-run');
  const unknown = argv.filter((a) => !(ALL_REGISTRIES_FLAGS as readonly string[]).includes(a) && a !== '--dry-run');
  if (unknown.length > 0 || (undo && argv.includes('--all-registries'))) {
    const why = unknown.includes('--containers')
      ? ' (podman, skopeo and buildah do not read credsStore: run `docker-credential-ecr configure --containers` for them)'
      : '';
    complain(
      `configure: ${unknown.length > 0 ? `${printable(unknown[0])} does not go with --all-registries${why}` : 'choose --all-registries or --undo-all-registries'} (use: configure --all-registries [--dry-run], configure --undo-all-registries [--dry-run])`,
    );
    return 1;
  }
  const setup = readSetupSettings(deps.env, deps.settings);
  const helperConfigPath = deps.settings.helperConfigFile;
  if (!setup.dockerConfigFile || !helperConfigPath) {
    complain(
      'cannot find the Docker config or the helper config: set HOME (or DOCKER_CONFIG and DOCKER_CREDENTIAL_ECR_CONFIG)',
    );
    return 1;
  }

  let docker: ConfigFile;
  let helper: ConfigFile;
  let dockerStore: string | undefined;
  let helperStore: string | undefined;
  let storedLogins: string[];
  let otherHelpers: Array<[string, string]>;
  /** Why the helper config cannot be read (undo only: it then goes on without the store named there). */
  let helperProblem: string | undefined;
  try {
    docker = readConfigFile(setup.dockerConfigFile);
    const view = parseDockerConfig(docker.text, docker.path);
    dockerStore = view.credsStore;
    storedLogins = Object.entries(view.auths)
      .filter(([, entry]) => entry.hasCredential)
      .map(([key]) => key);
    otherHelpers = Object.entries(view.credHelpers).filter(([, name]) => name !== HELPER_NAME);
    helper = readConfigFile(helperConfigPath);
    try {
      // Not yet written is fine here, even when DOCKER_CREDENTIAL_ECR_CONFIG names it: this command creates it.
      helperStore = loadRegistryConfig({ helperConfigFile: helperConfigPath, helperConfigNamed: false })?.credsStore;
    } catch (error) {
      // Undoing must work even when the file is what broke `get` (a store name an older version copied in).
      if (!undo || !(error instanceof ConfigError)) throw error;
      helperProblem = error.message;
    }
  } catch (error) {
    if (!(error instanceof DockerConfigError || error instanceof HelperError)) throw error;
    complain(`${printable(error.message)}; fix the file, then run configure again; nothing was changed`);
    return 1;
  }
  // Docker's own value moves into our config, where a name that is no helper's would break every `get`.
  const badStore =
    !undo && dockerStore !== undefined && dockerStore !== HELPER_NAME ? storeNameProblem(dockerStore) : undefined;
  if (badStore) {
    complain(
      `${printable(docker.path)}: "credsStore": "${printable(dockerStore!)}" is not a credential helper's name (${badStore.replace(/^"credsStore" /, '')}), so Docker cannot run it either; ` +
        'set it to the store you use ("pass", "secretservice", "osxkeychain", "wincred", "desktop") or remove it, then run configure again; nothing was changed',
    );
    return 1;
  }

  // With credsStore "ecr", Docker runs this helper for every registry: if Docker cannot find it, every pull and
  // login fails, Docker Hub's included. Refused before anything is written.
  const self = selfExecutable();
  const onPath = pathStatus(setup.path, self);
  if (!undo && onPath.state === 'missing') {
    complain(
      `${EXECUTABLE_NAME} is not on PATH, and with "credsStore": "ecr" Docker would fail for every registry; fix: ${linkCommand(self)}, then run this again; nothing was changed`,
    );
    return 1;
  }

  const changes: Change[] = [];
  if (!undo) {
    if (dockerStore === HELPER_NAME) {
      say(
        `Docker config ${printable(docker.path)}: already "credsStore": "ecr"; every ECR registry goes to docker-credential-ecr. Nothing to change.`,
      );
    } else {
      changes.push({ label: 'Docker config', file: docker, text: withKey(docker.text, 'credsStore', HELPER_NAME) });
      // The old store moves behind us; with none, we hand other registries to the store Docker would have picked.
      if (dockerStore !== undefined && dockerStore !== helperStore)
        changes.push({ label: 'helper config', file: helper, text: withKey(helper.text, 'credsStore', dockerStore) });
    }
  } else {
    if (dockerStore !== HELPER_NAME) {
      say(
        `Docker config ${printable(docker.path)}: "credsStore" is ${dockerStore ? `"${printable(dockerStore)}"` : 'not set'}, not "ecr". Nothing to undo.`,
      );
      return 0;
    }
    const restore = helperStore !== undefined && helperStore !== NO_STORE ? helperStore : undefined;
    changes.push({ label: 'Docker config', file: docker, text: withKey(docker.text, 'credsStore', restore) });
    if (helperStore !== undefined)
      changes.push({ label: 'helper config', file: helper, text: withKey(helper.text, 'credsStore', undefined) });
    if (helperProblem !== undefined) {
      // A name that is no helper's is not put back into Docker's config: it would break Docker's logins instead.
      const raw = rawCredsStore(helper.text);
      say(
        `Warning: ${printable(helperProblem)}; its store is not restored, and Docker goes back to its own choice of store.`,
      );
      if (raw !== undefined)
        changes.push({ label: 'helper config', file: helper, text: withKey(helper.text, 'credsStore', undefined) });
    }
  }

  try {
    if (!dryRun) for (const c of changes) assertWritable(c.file.target, c.file.text !== undefined);
    for (const c of changes) {
      say(`${c.label} ${printable(c.file.path)}:`);
      deps.stdout.write(unifiedDiff(c.file.path, c.file.text, c.text));
      if (dryRun) say(`Dry run: ${printable(c.file.path)} was not written.`);
      else {
        writeFileAtomically(
          c.file.target,
          c.text,
          c.file.text === undefined ? {} : { mode: c.file.mode!, uid: c.file.uid!, gid: c.file.gid! },
        );
        say(`Wrote ${printable(c.file.path)}.`);
      }
    }
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    complain(printable(error.message));
    return 1;
  }

  if (undo) {
    say(
      `Docker now uses ${changes[0].text.includes('"credsStore"') ? `docker-credential-${printable(helperStore!)}` : 'its own choice of store'} for every registry; ECR registries ` +
        'go to docker-credential-ecr only where credHelpers names them (`docker-credential-ecr configure --registry HOST`).',
    );
    return 0;
  }
  // What other registries get from now on, as `get` will decide it (the helper config as written, or as it would be).
  const behind = dockerStore !== undefined && dockerStore !== HELPER_NAME ? dockerStore : helperStore;
  const other = behind !== undefined && behind !== NO_STORE ? otherStoreNamed(behind, deps) : safeOtherStore(deps);
  say(
    `Every ECR registry (any account and region, and ECR Public) ${dryRun ? 'would go' : 'now goes'} to docker-credential-ecr.`,
  );
  if (onPath.state === 'other')
    say(
      `Warning: Docker will run ${printable(onPath.where)}, not this executable (${printable(onPath.self)}); fix: ${linkCommand(self, true)}`,
    );
  // Logins kept in plain "auths" stop being read once credsStore is set, whatever store is behind us.
  const plainLogins =
    dockerStore === undefined
      ? storedLogins.filter((key) => isHostKey(key) && !servesServerUrl(key, deps.settings))
      : [];
  if (other.state === 'found') {
    say(
      `Other registries (Docker Hub, ghcr.io, ...) go on to docker-credential-${printable(other.name)}${other.source === 'platform' ? " (this platform's usual store, as Docker would pick it)" : ''}` +
        (dockerStore !== undefined ? ': their logins stay where they are.' : '.'),
    );
    if (plainLogins.length > 0) {
      say(
        `Warning: ${printable(docker.path)} holds logins for ${plainLogins.map(printable).join(', ')} in "auths"; with "credsStore" set Docker no longer reads them: docker login to each again (they then go to docker-credential-${printable(other.name)}).`,
      );
    }
  } else if (other.state === 'missing') {
    say(
      `Warning: other registries go to docker-credential-${printable(other.name)}, which is not on PATH: their pulls are anonymous and docker login to them fails until it is installed.`,
    );
  } else {
    say(
      'Warning: there is no store for other registries (no docker-credential-pass, -secretservice, -osxkeychain or -wincred on PATH): ' +
        `docker login to Docker Hub or ghcr.io will fail; name one with "credsStore" in ${printable(helperConfigPath)}.`,
    );
    if (plainLogins.length > 0) {
      say(
        `Warning: ${printable(docker.path)} holds logins for ${plainLogins.map(printable).join(', ')} in "auths"; with "credsStore" set Docker no longer reads them.`,
      );
    }
  }
  if (otherHelpers.length > 0) {
    // credHelpers come before credsStore in Docker's lookup: these hosts keep their own helper.
    say(
      `Note: credHelpers still decide for ${otherHelpers.map(([host, name]) => `${printableAscii(host)} (docker-credential-${printable(name)})`).join(', ')}.`,
    );
  }
  say('To go back: docker-credential-ecr configure --undo-all-registries');
  return 0;
}

/** The helper config's "credsStore" as written, when the file is a JSON object that has one. */
function rawCredsStore(text: string | undefined): unknown {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { credsStore?: unknown }).credsStore
      : undefined;
  } catch {
    return undefined;
  }
}

function isHostKey(key: string): boolean {
  try {
    parseServerUrl(key);
    return true;
  } catch {
    return false;
  }
}

function otherStoreNamed(name: string, deps: CommandIo): ReturnType<typeof otherStore> {
  const path = findOnPath(deps.env.PATH ?? '', `docker-credential-${name}`);
  return path ? { state: 'found', name, path, source: 'config' } : { state: 'missing', name, source: 'config' };
}

function safeOtherStore(deps: CommandIo): ReturnType<typeof otherStore> {
  try {
    return otherStore(deps.settings, deps.env);
  } catch {
    return { state: 'none', why: 'the helper config cannot be read' };
  }
}
