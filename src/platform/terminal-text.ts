// Text that reaches a terminal or a log: no character that a terminal, a log viewer or a CI runner would act on
// instead of show. C0 controls (ESC starts the sequences that retitle a window, rewrite the screen or, in some
// terminals, answer back), a lone CR (overwrites the line), DEL, the C1 controls (U+009B is a one-character CSI in
// many terminals), the line and paragraph separators, and the bidirectional overrides and isolates that make a
// line read otherwise than it is (Trojan Source). Tab, line feed and CR LF stay. Escaped as \uXXXX, which inside a
// JSON string is the same string again, so this applies to stdout's protocol answers as well as to messages.
// Tiny and dependency-free: a cache hit's answer goes through it.

const UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

const escape = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Printable ASCII, tab and line feed only: nothing UNSAFE could match (a hit's answer, without running the pattern). */
function plainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x7f || (code < 0x20 && code !== 0x09 && code !== 0x0a)) return false;
  }
  return true;
}

export const escapeControls = (text: string): string => (plainAscii(text) ? text : text.replace(UNSAFE, escape));

/** Whether text holds any such character (a token from AWS that does is refused, not served). */
export const hasControls = (text: string): boolean =>
  /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text);

/** JSON.stringify, with what it leaves raw (DEL, C1, U+2028/9, bidi controls) as \u escapes: the same JSON value. */
export const safeJson = (value: unknown): string => escapeControls(JSON.stringify(value));
