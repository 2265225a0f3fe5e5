// printable and printableAscii: what a terminal receives of text the helper did not write itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable, printableAscii } from '../../src/platform/log';

test('printable escapes what can drive a terminal or hide text, and keeps letters of any script', () => {
  assert.equal(printable('/home/jürgen/デスクトップ/config.json'), '/home/jürgen/デスクトップ/config.json');
  assert.equal(printable('a\x1b]2;owned\x07b'), 'a\\x1b]2;owned\\x07b');
  assert.equal(printable('csi\x9b2J del\x7f nl\n tab\t'), 'csi\\x9b2J del\\x7f nl\\x0a tab\\x09');
  assert.equal(printable('evil\u202egpj.exe zero\u200bwidth'), 'evil\\u202egpj.exe zero\\u200bwidth');
  assert.equal(
    printable('line\u2028sep bom\ufeff lone\ud800 private\ue000'),
    'line\\u2028sep bom\\ufeff lone\\ud800 private\\ue000',
  );
  assert.equal(printable('tag\u{e0041} unassigned\u{10ffff}'), 'tag\\u{e0041} unassigned\\u{10ffff}');
  assert.equal(printable('emoji \u{1f600} stays'), 'emoji \u{1f600} stays');
});

test('printableAscii also shows a look-alike letter for what it is', () => {
  assert.equal(
    printableAscii('123456789012.dkr.ecr.us-east-1.\u0430mazonaws.com'),
    '123456789012.dkr.ecr.us-east-1.\\u0430mazonaws.com',
  );
  assert.equal(printableAscii('d\u00f6ctor\x1b'), 'd\\xf6ctor\\x1b');
  assert.equal(printableAscii('\u{1f600}'), '\\u{1f600}');
});
