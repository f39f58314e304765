/**
 * The only module that imports `mcl-wasm` (BSD-3-Clause, herumi/mcl compiled to WebAssembly, embedded in its JS).
 * Bundled into dist like lib/vendor/noble.ts. Its scalar multiplications are not constant-time, so they only see
 * public scalars; a secret key goes through lib/crypto/secretMultiply.ts (see lib/crypto/pairing.ts).
 */
import * as mcl from 'mcl-wasm';
export { mcl };
