// The main bundle's own modules that the heavy bundle imports, keyed by path. scripts/build.mjs replaces this
// file's contents in the main bundle with the real table, so both halves use ONE copy of each such module (one
// TokenFetchError class for `instanceof`, one set of constants). Under tsx it stays empty: `require('./heavy')`
// goes through Node's module cache, which already shares them.
export const sharedModules: Readonly<Record<string, object>> = {};
