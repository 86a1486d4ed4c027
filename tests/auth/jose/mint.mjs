// Mints CDS Hooks client JWTs with `jose`, an implementation independent of auth/, so that
// tests/auth/verifier_jose_test.cc checks our verifier against someone else's signer.
//
//   node mint.mjs <now-epoch-seconds>
//
// Prints ONE JSON object on stdout:
//   { now, iss, aud, jku, tenant, jwks: {keys: [...]}, tokens: { <case name>: <compact JWS> } }
// Keys are generated fresh on every run and never written to disk. `now` comes from the
// caller so the C++ test can fix its clock to the same instant.
import {SignJWT, base64url, exportJWK, exportSPKI, generateKeyPair} from 'jose';

const now = Number.parseInt(process.argv[2] ?? '', 10);
if (!Number.isSafeInteger(now) || now <= 0) {
  process.stderr.write('usage: node mint.mjs <now-epoch-seconds>\n');
  process.exit(2);
}

const ISS = 'https://ehr.example.org/';
const AUD = 'https://cds.example.org/cds-services/neuro-check';
const JKU = 'https://ehr.example.org/.well-known/jwks.json';
const TENANT = 'tenant-a';
const ES_KID = 'es384-key-1';
const RS_KID = 'rs384-key-1';

const es = await generateKeyPair('ES384');
const rs = await generateKeyPair('RS384', {modulusLength: 2048});
const esJwk = {...(await exportJWK(es.publicKey)), kid: ES_KID, use: 'sig', alg: 'ES384'};
const rsJwk = {...(await exportJWK(rs.publicKey)), kid: RS_KID, use: 'sig', alg: 'RS384'};

let jtiCounter = 0;
const defaultClaims = () => ({
  iss: ISS,
  aud: AUD,
  iat: now - 10,
  exp: now + 290,
  jti: `jti-${now}-${++jtiCounter}`,
  tenant: TENANT,
});

// Signs `claims` (merged over the defaults; a value of undefined removes the claim).
async function mint({alg = 'ES384', kid = ES_KID, key = es.privateKey, header = {}, claims = {}}) {
  const merged = {...defaultClaims(), ...claims};
  for (const [name, value] of Object.entries(merged)) {
    if (value === undefined) delete merged[name];
  }
  return new SignJWT(merged).setProtectedHeader({alg, typ: 'JWT', kid, ...header}).sign(key);
}

const enc = (obj) => base64url.encode(JSON.stringify(obj));

const tokens = {};
tokens.valid_es384 = await mint({header: {jku: JKU}});
tokens.valid_rs384 = await mint({alg: 'RS384', kid: RS_KID, key: rs.privateKey});
tokens.expired = await mint({claims: {iat: now - 3000, exp: now - 600}});
tokens.not_yet_valid = await mint({claims: {iat: now + 600, exp: now + 900}});
tokens.wrong_aud = await mint({claims: {aud: 'https://cds.example.org/cds-services/other'}});
tokens.unknown_iss = await mint({claims: {iss: 'https://attacker.example.net/'}});
tokens.unknown_kid = await mint({kid: 'no-such-kid'});
tokens.lifetime_too_long = await mint({claims: {iat: now - 10, exp: now + 7200}});
tokens.missing_jti = await mint({claims: {jti: undefined}});
tokens.aud_array_containing_expected = await mint({
  claims: {aud: ['https://cds.example.org/cds-services/other', AUD]},
});
tokens.wrong_tenant = await mint({claims: {tenant: 'tenant-b'}});
tokens.replay = await mint({});
// A valid signature by a trusted key, but the header points key discovery elsewhere.
tokens.jku_not_allowlisted = await mint({header: {jku: 'https://attacker.example.net/jwks.json'}});
// Signed by the EC key but naming the RSA key: the key type must match the algorithm.
tokens.alg_key_mismatch = await mint({kid: RS_KID});
tokens.wrong_typ = await mint({header: {typ: 'at+jwt'}});

// alg "none": built by hand (jose refuses to produce it through SignJWT).
tokens.alg_none = `${enc({alg: 'none', typ: 'JWT', kid: ES_KID})}.${enc(defaultClaims())}.`;

// Key confusion: HMAC keyed with the PUBLIC key, hoping the verifier feeds its public key
// into HMAC because the header says so.
const spki = new TextEncoder().encode(await exportSPKI(es.publicKey));
tokens.hs256_with_public_key = await mint({alg: 'HS256', key: spki});

// Payload edited after signing (only jti changes, so every other check would pass): the
// signature no longer covers what is presented.
{
  const [h, p, s] = (await mint({})).split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  tokens.tampered_payload = `${h}.${enc({...claims, jti: 'jti-forged'})}.${s}`;
}

process.stdout.write(
    JSON.stringify({now, iss: ISS, aud: AUD, jku: JKU, tenant: TENANT, jwks: {keys: [esJwk, rsJwk]}, tokens}) +
    '\n');
