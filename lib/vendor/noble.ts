/**
 * The only module that imports @noble/*. The build bundles this file (and nothing else) with its dependencies,
 * so the published package has no runtime dependencies and holds a single copy of the curve code.
 */
export { bls12_381 } from '@noble/curves/bls12-381.js';
export { secp256k1 } from '@noble/curves/secp256k1.js';
export { shake256 } from '@noble/hashes/sha3.js';
export { sha256 } from '@noble/hashes/sha2.js';
