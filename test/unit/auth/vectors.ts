/** The auth test vectors kept in test/fixtures (public example values; kept out of source so they read as data). */
import { fixture } from '../../support/paths';

export interface HmacVector {
	name: string;
	method: string;
	url: string;
	timestamp: number;
	body?: string;
	signature: string;
}

export interface HmacVectors {
	secret: string;
	secretText: string;
	v1: { apiKey: string; vectors: HmacVector[] };
	v2Login: { apiKey: string; method: string; url: string; timestamp: number; signature: string };
}

export interface PartnerVector {
	apiKey: string;
	method: string;
	url: string;
	timestamp?: string;
	nonce?: string;
	body: string;
	xSign: string;
}

export const hmacVectors = (): HmacVectors => fixture<HmacVectors>('auth-hmac-vectors.json');
export const partnerVectors = (): PartnerVector[] => fixture<{ vectors: PartnerVector[] }>('auth-partner-vectors.json').vectors;
