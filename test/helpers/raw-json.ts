// One case every JSON-speaking provider runs (issue 15): a value as a person writes it, which ESO hands on in
// the provider's own spelling (gjson raw text for a selected object, json.RawMessage for extract), never
// re-serialised. The store seeds RAW_JSON under some key; rawJsonSpec reads it; RAW_JSON_WANT is the Secret.
export const RAW_JSON = '{\n  "auths": { "r.example": {"auth": "dXNlcjpwdw=="} },\n  "n": 1.50\n}';

/** data (property of an object, property of a number) and dataFrom.extract (keys prefixed `x-`) of `key`. */
export const rawJsonSpec = (key: string) => ({
  data: [
    { secretKey: "auths", remoteRef: { key, property: "auths" } },
    { secretKey: "n", remoteRef: { key, property: "n" } },
  ],
  dataFrom: [{ extract: { key }, rewrite: [{ regexp: { source: "^(.*)$", target: "x-$1" } }] }],
});

const AUTHS = '{ "r.example": {"auth": "dXNlcjpwdw=="} }';
/** A selected number is gjson's String() (`1.5`); an extracted one is its raw text (`1.50`). */
export const RAW_JSON_WANT = { auths: AUTHS, n: "1.5", "x-auths": AUTHS, "x-n": "1.50" };
