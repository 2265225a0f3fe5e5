// The usual hand-editing slips in a JSON file, in plain words with the line to change (not jsonc-parser's codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStrictJson } from '../../src/platform/json-text';

const error = (text: string) => {
  const parsed = parseStrictJson(text);
  assert.ok('error' in parsed, `parsed: ${text}`);
  return parsed.error;
};

test('each slip is named as what it is, on the line to change', () => {
  assert.deepEqual(error('{\n  "a": 1,\n}\n'), {
    line: 2,
    reason: 'a comma after the last entry, before "}" (JSON allows none there)',
    fix: 'remove the "," at the end of line 2',
  });
  assert.deepEqual(error('{\n  "a": [1, 2,\n  ]\n}'), {
    line: 2,
    reason: 'a comma after the last entry, before "]" (JSON allows none there)',
    fix: 'remove the "," at the end of line 2',
  });
  assert.deepEqual(error("{\n  'a': 1\n}"), {
    line: 2,
    reason: 'single quotes: JSON strings and names take double quotes',
    fix: 'use double quotes (") on line 2',
  });
  assert.deepEqual(error('{\n  // mine\n  "a": 1\n}'), {
    line: 2,
    reason: 'a comment, which JSON does not allow',
    fix: 'delete the comment on line 2',
  });
  assert.deepEqual(error('{\n  "a": 1\n  "b": 2\n}'), {
    line: 3,
    reason: 'a "," is missing between two entries',
    fix: 'add a "," at the end of the entry before line 3',
  });
  assert.equal(
    error('{\n  "a": \n}').reason,
    'a value was expected (a string in double quotes, a number, true, false, null, {...} or [...])',
  );
  assert.equal(error('{\n  "a": 1\n').reason, 'a closing "}" is missing');
  for (const text of ['{"a": 1,}', "{'a': 1}", '{"a" 1}', '{"a": tru}', '{"a": "x\ty"}'])
    assert.doesNotMatch(error(text).reason, /^[A-Z][a-zA-Z]+$/, text);
  assert.ok('root' in parseStrictJson('{"a": [1, 2]}'));
});
