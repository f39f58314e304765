/**
 * Every surface module, in one list. A module exports `register(router, ctx)` and registers its routes there;
 * add new modules here (see sandbox/README.md, "Adding a route").
 */
import type { SandboxContext } from '../context';
import type { Router } from '../router';
import { register as admin } from './admin';
import { register as coreclient } from './coreclient';
import { register as partnerCompany } from './partner-company';
import { register as partnerCoreclientHosted } from './partner-coreclient-hosted';
import { register as partnerFund } from './partner-fund';
import { register as partnerSwap } from './partner-swap';
import { register as partnerTransfer } from './partner-transfer';
import { register as partnerWallet } from './partner-wallet';
import { register as qapiV1 } from './qapi-v1';
import { register as qapiV1Web3 } from './qapi-v1-web3';
import { register as v2 } from './v2';

export type RouteModule = (router: Router, ctx: SandboxContext) => void;

export const routeModules: RouteModule[] = [
	coreclient,
	v2,
	admin,
	partnerCompany,
	partnerFund,
	partnerWallet,
	partnerTransfer,
	partnerSwap,
	partnerCoreclientHosted,
	qapiV1,
	qapiV1Web3,
];
