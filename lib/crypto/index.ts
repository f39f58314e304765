/** The pure crypto layer: byte helpers, legacy AMCL BLS, the AMCL CSPRNG, approver keys and the M-Pin token. */
export * from './bytes';
export * from './bls';
export * from './amclRandom';
export * from './keys';
export * from './mpin';
