/** Runs the auth check a route declared and returns what it proves (see Principals in ../router). */
import type { SandboxContext } from '../context';
import type { AuthScheme, Principals } from '../router';
import type { SignedParts } from './common';
import { verifyQapiRequest, verifyV2Login } from './hmac';
import { verifyAccessToken, verifyFeedToken } from './jwt';
import { verifyPartnerRequest } from './partner';
import { verifyZkpRequest } from './zkp';

export type { SignedParts } from './common';

export function authenticate<S extends AuthScheme>(ctx: SandboxContext, scheme: S, parts: SignedParts): Principals[S] {
	const checks: { [K in AuthScheme]: () => Principals[K] } = {
		none: () => null,
		partner: () => verifyPartnerRequest(ctx, parts),
		qapi: () => verifyQapiRequest(ctx, parts),
		'v2-login': () => verifyV2Login(ctx, parts),
		'v2-token': () => verifyAccessToken(ctx, parts),
		'v2-feed': () => verifyFeedToken(ctx, parts),
		zkp: () => verifyZkpRequest(ctx, parts, false),
		'zkp-registering': () => verifyZkpRequest(ctx, parts, true),
	};
	return checks[scheme]() as Principals[S];
}
