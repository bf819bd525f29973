// Fixtures shared by the tests: the keys of the shared vectors and the two header forms
// real clients send.
export const PK = "pk_d9960d04426c1e9f3941bec7e39c8854";
export const SK = "sk_e1f767d29fa6e533f2e5c62342fb9e24";
export const PK2 = "pk_3a24fe5dd91283a1bf18510dc83565c5";

/** `Basic base64(KEY:)`: curl -u, Go's SetBasicAuth, requests. */
export const basic = (key) => "Basic " + Buffer.from(`${key}:`).toString("base64");
/** The JS SDK's exact header: `Basic  base64(KEY)` (two spaces, no colon). */
export const jsSdk = (key) => "Basic  " + Buffer.from(key).toString("base64");
