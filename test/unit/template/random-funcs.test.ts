// Functions with random or time-dependent output, checked by property (fast-check) instead of against Go:
// htpasswd/bcrypt verify, uuidv4's format, rand* alphabets and lengths, encryptAES/decryptAES round trips,
// now/date/unixEpoch consistency, ago and durationRound against now.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import bcryptjs from "bcryptjs";
import fc from "fast-check";
import { renderString, stringData } from "../../../src/template/engine.ts";

const render = (template: string, values: Record<string, string> = {}) =>
  renderString("t", template, stringData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]))));

describe("random and time functions (properties)", () => {
  it("htpasswd (ESO's third argument: anything but \"sha\") gives user:bcrypt($2a$) that verifies the password", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.string({ minLength: 1, maxLength: 20 }), (user, pass) => {
        const line = render('{{ htpasswd .u .p "bcrypt" }}', { u: user, p: pass });
        const [u, hash] = [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)];
        assert.equal(u, user);
        assert.match(hash, /^\$2a\$10\$/);
        assert.ok(bcryptjs.compareSync(pass, hash));
      }),
      { numRuns: 5 },
    );
    assert.match(render('{{ htpasswd "u" "x" "" }}'), /^u:\$2a\$10\$/);
    assert.equal(render('{{ htpasswd "a:b" "x" "bcrypt" }}'), "invalid username: a:b");
  });

  it("uuidv4 is a version-4 UUID, different each call", () => {
    const out = render("{{ uuidv4 }} {{ uuidv4 }}").split(" ");
    for (const u of out) assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(out[0], out[1]);
  });

  it("rand* give the requested length from the right alphabet", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 }), (n) => {
        assert.match(render(`{{ randAlphaNum ${n} }}`), new RegExp(`^[A-Za-z0-9]{${n}}$`));
        assert.match(render(`{{ randAlpha ${n} }}`), new RegExp(`^[A-Za-z]{${n}}$`));
        assert.match(render(`{{ randNumeric ${n} }}`), new RegExp(`^[0-9]{${n}}$`));
        assert.equal(render(`{{ randAscii ${n} }}`).length, n);
        assert.equal(Buffer.from(render(`{{ randBytes ${n} }}`), "base64").length, n);
      }),
      { numRuns: 20 },
    );
    const r = Number(render("{{ randInt 5 10 }}"));
    assert.ok(r >= 5 && r < 10);
  });

  it("decryptAES inverts encryptAES for any password and text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 60 }), (pw, text) => {
        assert.equal(render("{{ encryptAES .p .t | decryptAES .p }}", { p: pw, t: text }), text);
      }),
      { numRuns: 30 },
    );
  });

  it("now, date, htmlDate and unixEpoch agree with the clock", () => {
    const before = Math.floor(Date.now() / 1000);
    const [epoch, day, stamp] = render('{{ now | unixEpoch }}|{{ now | htmlDate }}|{{ date "2006-01-02T15:04:05Z07:00" now }}').split("|");
    const after = Math.floor(Date.now() / 1000);
    assert.ok(Number(epoch) >= before && Number(epoch) <= after);
    assert.equal(day, new Date().toISOString().slice(0, 10));
    assert.ok(Math.abs(Date.parse(stamp!) / 1000 - before) <= 2);
    assert.equal(render('{{ date "Mon Jan 2 15:04:05 2006" 0 }}'), "Thu Jan 1 00:00:00 1970");
  });

  it("ago and durationRound of a time measure from now, in whole seconds", () => {
    const now = Math.floor(Date.now() / 1000);
    assert.match(render(`{{ ago ${now - 3725} }}`), /^1h2m(5|6)s$/);
    assert.match(render(`{{ ago (int64 ${now + 90}) }}`), /^-1m(29|30)s$/);
    assert.equal(render('{{ ago "x" }}'), "0s");
    assert.equal(render("{{ now | ago }}"), "0s");
    assert.equal(render('{{ dateModify "-50h" now | durationRound }}'), "2d");
    assert.equal(render('{{ mustDateModify "49h" now | durationRound }}'), "2d");
  });
});
