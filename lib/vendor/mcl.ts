/**
 * The only module that imports `mcl-wasm` (BSD-3-Clause, herumi/mcl compiled to WebAssembly, embedded in its JS).
 * Bundled into dist like lib/vendor/noble.ts. Used only on public data: its G1/G2 multiplications are not
 * constant-time, so secret scalars stay with noble (see lib/crypto/pairing.ts).
 */
import * as mcl from 'mcl-wasm';
export { mcl };
