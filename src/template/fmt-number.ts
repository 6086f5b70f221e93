// Go's strconv number formatting ('g' shortest, 'e', 'f' with precision) for float64, as fmt and
// text/template print them: 1e6 prints as 1e+06, 0.5 as 0.5, exponents have at least two digits.

/** Shortest decimal digits and decimal-point position of a finite non-negative float. */
function shortestDigits(v: number): { digits: string; dp: number } {
  if (v === 0) return { digits: "0", dp: 1 };
  const [mant, exp] = v.toExponential().split("e") as [string, string];
  return { digits: mant.replace(".", ""), dp: Number(exp) + 1 };
}

function expSuffix(exp: number, upper: boolean): string {
  const sign = exp < 0 ? "-" : "+";
  const abs = Math.abs(exp);
  return `${upper ? "E" : "e"}${sign}${abs < 10 ? "0" : ""}${abs}`;
}

function special(v: number, upper: boolean): string | undefined {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  void upper;
  return undefined;
}

/** |v| * 10^shift rounded to an integer, half to even, computed exactly (strconv rounds the exact binary
 *  value; JavaScript's toFixed/toExponential round halves up). */
function scaledRound(abs: number, shift: number): bigint {
  const { mant, exp } = decompose(abs);
  let num = mant;
  let den = 1n;
  const e = exp - 52;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** A float64's exact decimal value has at most 767 significant digits and 1074 after the point: past
 *  those, digits are zeros and nothing rounds, so "%.1000000e" is "%.800e" plus zeros (Go prints every
 *  digit; computing them with a million-digit BigInt would take seconds). */
const EXACT_SIGNIFICANT = 800;
const EXACT_FRACTION = 1074;

/** Exactly rounded mantissa digits (prec+1 of them) and decimal exponent of a finite non-zero |v|. */
function exactDigits(abs: number, prec: number): { digits: string; exp: number } {
  if (prec > EXACT_SIGNIFICANT) {
    const d = exactDigits(abs, EXACT_SIGNIFICANT);
    return { digits: d.digits + "0".repeat(prec - EXACT_SIGNIFICANT), exp: d.exp };
  }
  let e10 = Math.floor(Math.log10(abs));
  for (let tries = 0; tries < 3; tries++) {
    const n = scaledRound(abs, prec - e10);
    const text = n.toString();
    if (text.length > prec + 1) e10++;
    else if (text.length < prec + 1) e10--;
    else return { digits: text, exp: e10 };
  }
  const n = scaledRound(abs, prec - e10).toString();
  return { digits: n.slice(0, prec + 1), exp: e10 + n.length - (prec + 1) };
}

/** strconv.FormatFloat(v, 'e', prec, 64); prec -1 = shortest. */
export function formatE(v: number, prec: number, upper = false): string {
  const sp = special(v, upper);
  if (sp) return sp;
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  let mant: string;
  let exp: number;
  if (prec < 0) {
    const { digits, dp } = shortestDigits(abs);
    mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    exp = abs === 0 ? 0 : dp - 1;
  } else if (abs === 0) {
    mant = prec > 0 ? `0.${"0".repeat(prec)}` : "0";
    exp = 0;
  } else {
    const d = exactDigits(abs, prec);
    mant = prec > 0 ? `${d.digits[0]}.${d.digits.slice(1)}` : d.digits;
    exp = d.exp;
  }
  return `${neg ? "-" : ""}${mant}${expSuffix(exp, upper)}`;
}

/** strconv.FormatFloat(v, 'f', prec, 64); prec -1 = shortest. */
export function formatF(v: number, prec: number): string {
  const sp = special(v, false);
  if (sp) return sp;
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  let out: string;
  if (prec < 0) {
    const { digits, dp } = shortestDigits(abs);
    if (dp <= 0) out = `0.${"0".repeat(-dp)}${digits}`;
    else if (dp >= digits.length) out = digits + "0".repeat(dp - digits.length);
    else out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  } else {
    const exact = Math.min(prec, EXACT_FRACTION);
    const n = (scaledRound(abs, exact).toString() + "0".repeat(prec - exact)).padStart(prec + 1, "0");
    out = prec > 0 ? `${n.slice(0, n.length - prec)}.${n.slice(n.length - prec)}` : n;
  }
  return `${neg ? "-" : ""}${out}`;
}

/** strconv.FormatFloat(v, 'g', prec, 64): %e when the exponent is < -4 or >= the precision (6 for shortest). */
export function formatG(v: number, prec = -1, upper = false): string {
  const sp = special(v, upper);
  if (sp) return sp;
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  let digits: string;
  let dp: number;
  if (prec < 0) {
    ({ digits, dp } = shortestDigits(abs));
  } else if (abs === 0) {
    digits = "0";
    dp = 1;
  } else {
    const p = prec === 0 ? 1 : prec;
    const d = exactDigits(abs, p - 1);
    digits = d.digits.replace(/0+$/, "") || "0";
    dp = d.exp + 1;
  }
  let eprec = prec < 0 ? 6 : prec === 0 ? 1 : prec;
  if (prec >= 0 && eprec > digits.length && digits.length >= dp) eprec = digits.length;
  if (prec < 0) eprec = 6;
  const exp = dp - 1;
  let out: string;
  if (abs !== 0 && (exp < -4 || exp >= eprec)) {
    out = (digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits) + expSuffix(exp, upper);
  } else if (dp <= 0) {
    out = `0.${"0".repeat(-dp)}${digits}`;
  } else if (dp >= digits.length) {
    out = digits + "0".repeat(dp - digits.length);
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  if (abs === 0) out = "0";
  return `${neg ? "-" : ""}${out}`;
}

/** float64 -> (negative, mantissa with the implicit bit, unbiased exponent) as strconv's genericFtoa sees it. */
function decompose(v: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { neg, mant, exp: exp - 1023 };
}

/** strconv.FormatFloat(v, 'b', -1, 64): decimal mantissa, binary exponent ("4503599627370496p-52"). */
export function formatB(v: number): string {
  const sp = special(v, false);
  if (sp) return sp;
  const { neg, mant, exp } = decompose(v);
  const e = exp - 52;
  return `${neg ? "-" : ""}${mant}p${e >= 0 ? "+" : "-"}${Math.abs(e)}`;
}

/** strconv.FormatFloat(v, 'x'|'X', prec, 64): hexadecimal mantissa, binary exponent ("0x1.8p+01"). */
export function formatX(v: number, prec: number, upper: boolean): string {
  const sp = special(v, upper);
  if (sp) return sp;
  const d = decompose(v);
  let { mant, exp } = d;
  if (mant === 0n) exp = 0;
  const top = 1n << 60n;
  const mask = (1n << 64n) - 1n;
  mant = (mant << 8n) & mask;
  while (mant !== 0n && (mant & top) === 0n) {
    mant = (mant << 1n) & mask;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (top - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  let out = `${d.neg ? "-" : ""}0${upper ? "X" : "x"}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & mask;
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & mask;
    }
  } else if (prec > 0) {
    out += ".";
    let i = 0;
    for (; i < prec && mant !== 0n; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & mask;
    }
    out += "0".repeat(prec - i);
  }
  const e = Math.abs(exp);
  return `${out}${upper ? "P" : "p"}${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
}
