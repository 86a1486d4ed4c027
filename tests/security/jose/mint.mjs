// Mints CDS Hooks client JWTs with `jose`, an implementation independent of auth/, for the
// end-to-end authentication tests in tests/security/ (the server under test fetches the
// public keys from a loopback JWKS endpoint the test runs on an allow-listed jku).
//
//   node mint.mjs '<json>'   with json = {now, iss, base, service, jku, evil_jku, extra}
//     now       epoch seconds; the C++ test fixes its clock to the same instant
//     base      the server's public base URL ("https://cds.example.org")
//     service   the service id tokens are minted for
//     jku       the allow-listed JWKS URL (the loopback endpoint)
//     evil_jku  a JWKS URL that is NOT allow-listed
//     extra     how many additional valid tokens for the service to mint (valid_0..)
//
// Prints ONE JSON object on stdout: {jwks: {keys: [...]}, tokens: {<case>: <compact JWS>}}.
// Keys are generated fresh on every run and never written to disk.
import {SignJWT, base64url, exportJWK, exportSPKI, generateKeyPair} from 'jose';

const args = JSON.parse(process.argv[2] ?? '{}');
const {now, iss, base, service, jku, evil_jku: evilJku} = args;
const extra = Number(args.extra ?? 0);
if (!Number.isSafeInteger(now) || !iss || !base || !service || !jku || !evilJku) {
  process.stderr.write('usage: node mint.mjs \'{"now":..,"iss":..,"base":..,"service":..,"jku":..,"evil_jku":..}\'\n');
  process.exit(2);
}

const SERVICE_AUD = `${base}/cds-services/${service}`;
const ES_KID = 'sec-es384-1';
const RS_KID = 'sec-rs384-1';

const es = await generateKeyPair('ES384');
const rs = await generateKeyPair('RS384', {modulusLength: 2048});
const esJwk = {...(await exportJWK(es.publicKey)), kid: ES_KID, use: 'sig', alg: 'ES384'};
const rsJwk = {...(await exportJWK(rs.publicKey)), kid: RS_KID, use: 'sig', alg: 'RS384'};

let counter = 0;
const defaultClaims = (aud) => ({
  iss,
  aud,
  iat: now - 5,
  exp: now + 295,
  jti: `sec-jti-${now}-${++counter}`,
});

// Signs claims merged over the defaults (undefined removes a claim).
async function mint({alg = 'ES384', kid = ES_KID, key = es.privateKey, header = {jku}, aud = SERVICE_AUD,
                     claims = {}}) {
  const merged = {...defaultClaims(aud), ...claims};
  for (const [name, value] of Object.entries(merged)) {
    if (value === undefined) delete merged[name];
  }
  return new SignJWT(merged).setProtectedHeader({alg, typ: 'JWT', kid, ...header}).sign(key);
}

const enc = (obj) => base64url.encode(JSON.stringify(obj));

const tokens = {};
tokens.valid_es384 = await mint({});
// No jku: the verifier uses the issuer's first allow-listed jku.
tokens.valid_rs384 = await mint({alg: 'RS384', kid: RS_KID, key: rs.privateKey, header: {}});
tokens.discovery = await mint({aud: `${base}/cds-services`});
tokens.feedback = await mint({aud: `${SERVICE_AUD}/feedback`});
tokens.expired = await mint({claims: {iat: now - 3000, exp: now - 600}});
tokens.not_yet_valid = await mint({claims: {iat: now + 600, exp: now + 900}});
tokens.wrong_aud = await mint({aud: `${base}/cds-services/another-service`});
tokens.unknown_iss = await mint({claims: {iss: 'https://attacker.example.net/'}});
tokens.unknown_kid = await mint({kid: 'no-such-kid'});
tokens.replay = await mint({});
tokens.jku_not_allowlisted = await mint({header: {jku: evilJku}});
// alg "none": built by hand (jose refuses to produce it).
tokens.alg_none = `${enc({alg: 'none', typ: 'JWT', kid: ES_KID, jku})}.${enc(defaultClaims(SERVICE_AUD))}.`;
// Key confusion: HMAC keyed with the PUBLIC key.
const spki = new TextEncoder().encode(await exportSPKI(es.publicKey));
tokens.hs256_with_public_key = await mint({alg: 'HS256', key: spki});
// Payload edited after signing: only jti changes, so every other check would pass.
{
  const [h, p, s] = (await mint({})).split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  tokens.tampered_payload = `${h}.${enc({...claims, jti: 'sec-jti-forged'})}.${s}`;
}
for (let i = 0; i < extra; ++i) tokens[`valid_${i}`] = await mint({});

process.stdout.write(JSON.stringify({jwks: {keys: [esJwk, rsJwk]}, tokens}) + '\n');
