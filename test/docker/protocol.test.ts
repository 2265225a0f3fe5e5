// The wire format's own failure path: an unexpected error in a backend. The helper's real backend is
// exercised everywhere else; here a backend that throws stands in, as docker-credential-helpers' tests do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { HelperError } from '../../src/platform/errors';
import { handleAction, type CredentialBackend } from '../../src/docker/protocol';
import { collector } from '../support/run-cli';

const throwing = (error: unknown): CredentialBackend => ({
  get: async () => {
    throw error;
  },
  list: async () => {
    throw error;
  },
  store: async () => undefined,
  erase: async () => undefined,
});

test('an unexpected error is "internal error (<name>)" on stdout, exit 1, and never its message', async () => {
  for (const action of ['get', 'list'] as const) {
    const stdout = collector();
    const reported: HelperError[] = [];
    const code = await handleAction(action, throwing(new TypeError('token=SECRET-VALUE')), {
      stdin: Readable.from([Buffer.from('public.ecr.aws')]),
      stdout: stdout.stream,
      report: (error) => reported.push(error),
    });
    assert.equal(code, 1, action);
    assert.equal(stdout.text(), 'internal error (TypeError)\n');
    assert.equal(reported.length, 1);
    assert.doesNotMatch(reported[0].message, /SECRET/);
  }
});

test('a helper error keeps its own message as the answer', async () => {
  const stdout = collector();
  const code = await handleAction('get', throwing(new HelperError('something the person can act on')), {
    stdin: Readable.from([Buffer.from('public.ecr.aws')]),
    stdout: stdout.stream,
    report: () => undefined,
  });
  assert.equal(code, 1);
  assert.equal(stdout.text(), 'something the person can act on\n');
});
