// Files that are not what they seem, paths that point somewhere else, values past what a timer holds: with the
// built executable against the fake AWS. A bad cache entry is a miss, never a hang; a bad file someone named is
// an error naming it; nothing is created in the working directory or in a home that is not the caller's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { helperEnv } from '../support/helper-bin';

const fake = useFakeAws();
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** Well past a hang being noticed, well inside the test runner's patience. */
const KILL_AFTER_MS = 8_000;

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

function cacheFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name));
}

test('a cache entry replaced by a FIFO, a link to /dev/zero or a directory is a miss, not a hang', async () => {
  for (const replace of ['fifo', 'dev-zero', 'directory'] as const) {
    fake.reset();
    const home = tempDir();
    const env = helperEnv(fake.url, home);
    assert.equal((await runExecutable(['get'], { stdin: HOST, env })).code, 0);
    const [entry] = cacheFiles(join(home, '.cache', 'docker-credential-ecr'));
    unlinkSync(entry);
    if (replace === 'fifo') mkfifo(entry);
    else if (replace === 'dev-zero') symlinkSync('/dev/zero', entry);
    else mkdirSync(entry);
    const result = await runExecutable(['get'], { stdin: HOST, env, killAfterMs: KILL_AFTER_MS });
    assert.equal(result.signal, null, `${replace}: killed after ${KILL_AFTER_MS} ms, so it hung`);
    assert.equal(result.code, 0, `${replace}: ${result.stderr}`);
    assert.equal(fake.callsFor('ecr').length, 2, `${replace}: a miss that fetched again`);
  }
});

test('the helper config file as a FIFO or a link to /dev/zero is an error naming it, at once', async () => {
  for (const replace of ['fifo', 'dev-zero'] as const) {
    const home = tempDir();
    const file = join(home, 'config.json');
    if (replace === 'fifo') mkfifo(file);
    else symlinkSync('/dev/zero', file);
    const result = await runExecutable(['get'], {
      stdin: HOST,
      env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: file },
      killAfterMs: KILL_AFTER_MS,
    });
    assert.equal(result.signal, null, `${replace}: hung`);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read the config file \\(not a regular file\\)`,
      ),
    );
  }
  assert.equal(fake.callsFor('ecr').length, 0);
});

/** A FIFO or a link to /dev/zero at `path` (made fresh). */
function hostile(kind: 'fifo' | 'dev-zero', path: string): void {
  rmSync(path, { force: true });
  mkdirSync(dirname(path), { recursive: true });
  if (kind === 'fifo') mkfifo(path);
  else symlinkSync('/dev/zero', path);
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Each file the SDK used to read by itself, as a FIFO and as /dev/zero: an error naming it, exit 1, at once: under a
 * one-minute timeout, the kill after KILL_AFTER_MS shows a hang (the old code hung on a FIFO until the timeout, and
 * read /dev/zero for gigabytes, then blamed the network).
 */
test('the AWS shared config, credentials, SSO and login token caches, web identity and container tokens and AWS_CA_BUNDLE as a FIFO or /dev/zero: an error naming the file, at once', async () => {
  const cases: {
    name: string;
    set: (home: string, env: Record<string, string>) => string;
    message: (file: string) => RegExp;
  }[] = [
    {
      name: 'AWS_CONFIG_FILE',
      set: (home, env) => (env.AWS_CONFIG_FILE = join(home, 'config')),
      message: (f) => new RegExp(`the AWS config file ${escaped(f)} cannot be read \\(not a regular file`),
    },
    {
      name: 'AWS_SHARED_CREDENTIALS_FILE',
      set: (home, env) => (env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'credentials')),
      message: (f) => new RegExp(`the AWS shared credentials file ${escaped(f)} cannot be read \\(not a regular file`),
    },
    {
      name: 'a linked ~/.aws/config',
      set: (home, env) => {
        delete env.AWS_CONFIG_FILE;
        return join(home, '.aws', 'config');
      },
      message: (f) => new RegExp(`the AWS config file ${escaped(f)} cannot be read \\(not a regular file`),
    },
    {
      name: 'the SSO token cache',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        writeFileSync(
          env.AWS_CONFIG_FILE,
          '[default]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Puller\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
        );
        return join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
      },
      message: (f) =>
        new RegExp(`the SSO token cache file ${escaped(f)} \\(of corp\\) cannot be read \\(not a regular file`),
    },
    {
      name: 'the `aws login` token cache',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        writeFileSync(
          env.AWS_CONFIG_FILE,
          '[default]\nlogin_session = arn:aws:iam::123456789012:user/dev\nregion = eu-west-1\n',
        );
        return join(
          home,
          '.aws',
          'login',
          'cache',
          `${createHash('sha256').update('arn:aws:iam::123456789012:user/dev').digest('hex')}.json`,
        );
      },
      message: (f) =>
        new RegExp(
          `the login token cache file ${escaped(f)} \\(of login_session arn:aws:iam::123456789012:user/dev\\) cannot be read \\(not a regular file`,
        ),
    },
    {
      name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE under a profile's credential_source = EcsContainer",
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        writeFileSync(
          env.AWS_CONFIG_FILE,
          '[default]\nrole_arn = arn:aws:iam::123456789012:role/puller\ncredential_source = EcsContainer\n',
        );
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${fake.url}/v1/credentials`;
        return (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = join(home, 'pod-token'));
      },
      message: (f) =>
        new RegExp(`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${escaped(f)} cannot be read \\(not a regular file\\)`),
    },
    {
      name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        env.AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/ci';
        return (env.AWS_WEB_IDENTITY_TOKEN_FILE = join(home, 'oidc-token'));
      },
      message: (f) => new RegExp(`AWS_WEB_IDENTITY_TOKEN_FILE ${escaped(f)} cannot be read \\(not a regular file\\)`),
    },
    {
      name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (EKS Pod Identity)',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${fake.url}/v1/credentials`;
        return (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = join(home, 'eks-pod-identity-token'));
      },
      message: (f) =>
        new RegExp(`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${escaped(f)} cannot be read \\(not a regular file\\)`),
    },
    {
      name: 'AWS_CA_BUNDLE',
      set: (home, env) => (env.AWS_CA_BUNDLE = join(home, 'ca.pem')),
      message: (f) => new RegExp(`AWS_CA_BUNDLE ${escaped(f)} cannot be read \\(ENOTREG\\)`),
    },
  ];
  for (const kind of ['fifo', 'dev-zero'] as const) {
    for (const c of cases) {
      const home = tempDir();
      const env: Record<string, string> = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '60000' };
      const file = c.set(home, env);
      hostile(kind, file);
      const result = await runExecutable(['get'], { stdin: HOST, env, killAfterMs: KILL_AFTER_MS });
      assert.equal(result.signal, null, `${c.name} as ${kind}: killed after ${KILL_AFTER_MS} ms, so it hung`);
      assert.equal(result.code, 1, `${c.name} as ${kind}: ${result.stderr}`);
      assert.match(result.stderr, c.message(file), `${c.name} as ${kind}`);
      assert.equal(result.stdout.includes('Secret'), false);
    }
  }
  assert.equal(fake.callsFor('ecr').length, 0, 'no token fetched past a file that could not be read');
});

test('~/.aws/config turned into a FIFO after a hit: the next get says so (no token keyed on a config it could not read)', async () => {
  const home = tempDir();
  const env: Record<string, string> = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '60000' };
  writeFileSync(env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n');
  assert.equal((await runExecutable(['get'], { stdin: HOST, env })).code, 0);
  assert.equal((await runExecutable(['get'], { stdin: HOST, env })).code, 0, 'a hit, which leaves a memo');
  hostile('fifo', env.AWS_CONFIG_FILE);
  const result = await runExecutable(['get'], { stdin: HOST, env, killAfterMs: KILL_AFTER_MS });
  assert.equal(result.signal, null, 'hung');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /the AWS config file .* cannot be read \(not a regular file/);
  assert.equal(fake.callsFor('ecr').length, 1);
});

test('the Docker config as a FIFO or /dev/zero: configure and doctor fail at once, naming it', async () => {
  for (const kind of ['fifo', 'dev-zero'] as const) {
    const home = tempDir();
    const dockerConfig = join(home, 'docker', 'config.json');
    hostile(kind, dockerConfig);
    const env = { ...helperEnv(fake.url, home), DOCKER_CONFIG: dirname(dockerConfig) };
    const message = new RegExp(`${escaped(dockerConfig)}: cannot read it \\(not a regular file`);
    for (const args of [['configure', '--registry', HOST], ['configure', '--all-registries'], ['doctor']]) {
      const result = await runExecutable(args, { env, killAfterMs: KILL_AFTER_MS });
      assert.equal(result.signal, null, `${args.join(' ')} with ${kind}: hung`);
      assert.equal(result.code, 1, `${args.join(' ')} with ${kind}: ${result.stdout}${result.stderr}`);
      assert.match(`${result.stdout}${result.stderr}`, message, `${args.join(' ')} with ${kind}`);
    }
  }
});

test('DOCKER_CREDENTIAL_ECR_CONFIG naming a missing file is an error naming it, never the default identity', async () => {
  const home = tempDir();
  const missing = join(home, 'etc', 'docker-credential-ecr.json');
  const result = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: missing },
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(
      `${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the config file named by DOCKER_CREDENTIAL_ECR_CONFIG does not exist`,
    ),
  );
  assert.equal(fake.callsFor('ecr').length, 0, 'no token fetched as the default identity');
  // The kubelet mode reads the same variable (the kubelet set-up names it on every node).
  const kubelet = await runExecutable(['kubelet-credential-provider'], {
    stdin: `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image: `${HOST}/app` })}\n`,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: missing },
  });
  assert.equal(kubelet.code, 1);
  assert.match(kubelet.stderr, /does not exist/);
  // The default path, absent, is fine: built-in behaviour.
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: helperEnv(fake.url, home) })).code, 0);
});

test('relative XDG_CACHE_HOME, XDG_CONFIG_HOME and AWS_ECR_CACHE_DIR are ignored: nothing lands in the working directory', async () => {
  const home = tempDir();
  const cwd = tempDir();
  const env = { ...helperEnv(fake.url, home), XDG_CACHE_HOME: '.cache', XDG_CONFIG_HOME: 'conf' };
  mkdirSync(join(cwd, 'conf', 'docker-credential-ecr'), { recursive: true });
  // A config file planted in the working directory must not be read either.
  writeFileSync(join(cwd, 'conf', 'docker-credential-ecr', 'config.json'), '{ not json');
  const result = await runExecutable(['get'], { stdin: HOST, env, cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /XDG_CACHE_HOME=\.cache is not an absolute path; ignoring it/);
  assert.deepEqual(readdirSync(cwd).sort(), ['conf']);
  assert.equal(cacheFiles(join(home, '.cache', 'docker-credential-ecr')).length, 1, 'the cache is in HOME instead');
  const explicit = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), AWS_ECR_CACHE_DIR: 'tokens' },
    cwd,
  });
  assert.equal(explicit.code, 0);
  assert.match(explicit.stderr, /AWS_ECR_CACHE_DIR=tokens is not an absolute path/);
  assert.equal(existsSync(join(cwd, 'tokens')), false);
});

test('DOCKER_CREDENTIAL_ECR_TIMEOUT_MS past what a timer holds is clamped, not "no time at all"', async () => {
  fake.fail('ecr', { slow: 300 }, { times: 1 });
  const env = { ...helperEnv(fake.url, tempDir()), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '2147483648' };
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 0, result.stderr);
  const seconds = await runExecutable(['get'], {
    stdin: HOST,
    env: {
      ...helperEnv(fake.url, tempDir()),
      AWS_METADATA_SERVICE_TIMEOUT: '1e12',
      DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1e400',
    },
  });
  assert.equal(seconds.code, 0, seconds.stderr);
});

test("DOCKER_CREDENTIAL_ECR_LOG_FILE: a symlink is not followed, another user's file is not written", async () => {
  const home = tempDir();
  const victim = join(home, 'victim');
  writeFileSync(victim, 'precious\n');
  chmodSync(victim, 0o644);
  const link = join(home, 'helper.log');
  symlinkSync(victim, link);
  const env = {
    ...helperEnv(fake.url, home),
    DOCKER_CREDENTIAL_ECR_LOG: 'debug',
    DOCKER_CREDENTIAL_ECR_LOG_FILE: link,
  };
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 0);
  assert.match(result.stderr, /not writing log file .*helper\.log \(it is a symbolic link\)/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(statSync(victim).mode & 0o777, 0o644, 'the target was not chmod-ed');
  if (process.getuid?.() === 0) {
    const foreign = join(home, 'foreign.log');
    writeFileSync(foreign, '');
    chownSync(foreign, 12345, 12345);
    const other = await runExecutable(['get'], {
      stdin: HOST,
      env: { ...env, DOCKER_CREDENTIAL_ECR_LOG_FILE: foreign },
    });
    assert.match(other.stderr, /not writing log file .*foreign\.log \(it belongs to uid 12345\)/);
    assert.equal(readFileSync(foreign, 'utf8'), '');
  }
});

/**
 * Runs `check` as root with a HOME owned by another user, then removes whatever it left in root's own cache (the
 * place such runs cache in), so the machine's root account is left as it was.
 */
async function withForeignHome(check: (home: string) => Promise<void>): Promise<void> {
  const home = tempDir();
  chownSync(home, 12345, 12345);
  const rootCache = join(userInfo().homedir, '.cache', 'docker-credential-ecr');
  const before = new Set(existsSync(rootCache) ? readdirSync(rootCache) : []);
  try {
    await check(home);
  } finally {
    for (const name of existsSync(rootCache) ? readdirSync(rootCache) : [])
      if (!before.has(name)) rmSync(join(rootCache, name), { force: true });
  }
}

const NEEDS_ROOT = { skip: process.getuid?.() !== 0 && 'needs root' };

test(
  "root with another user's HOME (sudo -E) creates nothing in that home; its cache is in root's own",
  NEEDS_ROOT,
  () =>
    withForeignHome(async (home) => {
      const env = helperEnv(fake.url, home);
      const first = await runExecutable(['get'], { stdin: HOST, env });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '');
      assert.deepEqual(readdirSync(home), [], "nothing created in the user's home");
      const second = await runExecutable(['get'], { stdin: HOST, env });
      assert.equal(second.stdout, first.stdout);
      assert.equal(fake.callsFor('ecr').length, 1, "a hit from root's own cache");
    }),
);

test(
  "root never creates a directory in another user's tree: not under an XDG_CACHE_HOME or AWS_ECR_CACHE_DIR still to be made there",
  NEEDS_ROOT,
  () =>
    withForeignHome(async (home) => {
      for (const extra of [{ XDG_CACHE_HOME: join(home, '.cache') }, { AWS_ECR_CACHE_DIR: join(home, 'ecr-cache') }]) {
        const result = await runExecutable(['get'], { stdin: HOST, env: { ...helperEnv(fake.url, home), ...extra } });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(readdirSync(home), [], `${JSON.stringify(extra)}: something was created in the user's home`);
      }
    }),
);

test('the log file: a second hard link to another file is refused; relative DOCKER_CREDENTIAL_ECR_LOG_FILE and _CONFIG are not taken from the working directory', async () => {
  const home = tempDir();
  const victim = join(home, 'victim');
  writeFileSync(victim, 'precious\n');
  const link = join(home, 'helper.log');
  execFileSync('ln', [victim, link]);
  const env = {
    ...helperEnv(fake.url, home),
    DOCKER_CREDENTIAL_ECR_LOG: 'debug',
    DOCKER_CREDENTIAL_ECR_LOG_FILE: link,
  };
  const linked = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(linked.code, 0);
  assert.match(linked.stderr, /not writing log file .*helper\.log \(it has other hard links\)/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  const cwd = tempDir();
  const relativeLog = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_LOG_FILE: 'helper.log' },
    cwd,
  });
  assert.equal(relativeLog.code, 0);
  assert.match(relativeLog.stderr, /DOCKER_CREDENTIAL_ECR_LOG_FILE=helper\.log is not an absolute path/);
  writeFileSync(join(cwd, 'config.json'), '{"registries":{}}');
  const relativeConfig = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: 'config.json' },
    cwd,
  });
  assert.equal(relativeConfig.code, 1);
  assert.match(relativeConfig.stderr, /DOCKER_CREDENTIAL_ECR_CONFIG=config\.json is not an absolute path/);
  assert.deepEqual(readdirSync(cwd), ['config.json'], 'nothing written to the working directory');
});
