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
  } else {
    const [m, e] = abs.toExponential(Math.min(prec, 100)).split("e") as [string, string];
    mant = m;
    exp = Number(e);
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
  } else if (abs >= 1e21) {
    // toFixed switches to exponent notation past 1e21: expand by hand.
    const big = BigInt(Math.round(abs));
    out = big.toString() + (prec > 0 ? "." + "0".repeat(prec) : "");
  } else {
    out = abs.toFixed(Math.min(prec, 100));
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
  } else {
    const p = prec === 0 ? 1 : prec;
    const [m, e] = abs.toExponential(p - 1).split("e") as [string, string];
    digits = m.replace(".", "").replace(/0+$/, "") || "0";
    dp = abs === 0 ? 1 : Number(e) + 1;
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
