// The figures: medians, seconds to milliseconds, and how the table and the verdicts print a number.
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const ms = (seconds) => seconds * 1000;
export const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
