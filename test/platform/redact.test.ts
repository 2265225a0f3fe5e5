import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from '../../src/platform/redact';

test('user info is hidden up to the last @ before the host, as URL parsers read it', () => {
  assert.equal(redactUrl('http://user:pass@proxy:3128'), 'http://***@proxy:3128');
  // `p@ss` is the password: `new URL` ends the user info at the last '@'.
  assert.equal(redactUrl('http://user:p@ss@proxy:3128/path?q=a@b'), 'http://***@proxy:3128/path?q=a@b');
  assert.equal(new URL('http://user:p@ss@proxy:3128').host, 'proxy:3128');
  assert.equal(redactUrl('http://proxy:3128/a@b'), 'http://proxy:3128/a@b', 'an @ in the path is not user info');
  assert.equal(redactUrl('not a url'), 'not a url');
});
