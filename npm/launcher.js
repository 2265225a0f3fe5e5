#!/usr/bin/env node
// docker-credential-ecr from npm: starts the bundle in ../lib (src/main.ts built by `bun build --target=node`,
// every dependency included; the AWS SDK half is a separate chunk that a cache hit never loads).
'use strict';

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  process.stderr.write(`docker-credential-ecr: needs Node.js 20 or later; this is Node.js ${process.version}\n`);
  process.exit(1);
}

// Node reads these when it starts, before any code of ours: NODE_DEBUG=http prints every request's headers (the
// SigV4 Authorization, the session token), and NODE_EXTRA_CA_CERTS adds CAs that AWS_CA_BUNDLE does not name. Set
// for some other tool, they would act on ours: Node is started again without them (the helper itself removes DEBUG
// and NODE_TLS_REJECT_UNAUTHORIZED, which are read later; see src/platform/foreign-switches.ts). Costs one Node
// start-up, only when one of them is set. NODE_OPTIONS is how Node itself is configured, and stays.
const NODE_SWITCHES = ['NODE_DEBUG', 'NODE_DEBUG_NATIVE', 'NODE_EXTRA_CA_CERTS'];
if (NODE_SWITCHES.some((name) => process.env[name] !== undefined)) {
  const env = { ...process.env };
  for (const name of NODE_SWITCHES) delete env[name];
  // The restarted run sees this process as its parent, running the same script and action: this says it is a
  // restart, not the credsStore hand-over looping back to us (src/docker/hand-over-chain.ts).
  env.DOCKER_CREDENTIAL_ECR_RESTARTED_BY = String(process.pid);
  const result = require('node:child_process').spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  process.exit(result.status === null ? 1 : result.status);
}

// Under Node.js 20 the AWS SDK warns, each time a process builds a client, that its releases from 2027 will need
// Node.js 22 (a NodeVersionSupportWarning via process.emitWarning). Docker and podman show a credential helper's
// stderr to the user, so that one warning is dropped here; every other warning is emitted as usual. (The SDK's
// own switch, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, is not set: it would be inherited by any
// credential_process the helper runs.)
const NAME = 'NodeVersionSupportWarning';
const emitWarning = process.emitWarning;
process.emitWarning = function emitWarningExceptNodeVersionSupport(warning, typeOrOptions, ...rest) {
  const type = typeof typeOrOptions === 'string' ? typeOrOptions : typeOrOptions && typeOrOptions.type;
  const text =
    typeof warning === 'string' ? warning : warning instanceof Error ? `${warning.name}: ${warning.message}` : '';
  if (
    type === NAME ||
    text.startsWith(NAME) ||
    text.startsWith(`Warning: ${NAME}`) ||
    text.startsWith(`Error: ${NAME}`)
  )
    return;
  return Reflect.apply(emitWarning, this, [warning, typeOrOptions, ...rest]);
};

import('../lib/main.mjs').catch((e) => {
  process.stderr.write(
    `docker-credential-ecr: cannot load ${require('node:path').join(__dirname, '..', 'lib', 'main.mjs')}: ${e && e.message}\n`,
  );
  process.exitCode = 1;
});
