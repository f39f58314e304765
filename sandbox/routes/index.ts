/**
 * Every surface module, in one list. A module exports `register(router, ctx)` and registers its routes there;
 * add new modules here (see sandbox/README.md, "Adding a route").
 */
import type { SandboxContext } from '../context';
import type { Router } from '../router';
import { register as admin } from './admin';
import { register as coreclient } from './coreclient';
import { register as v2 } from './v2';

export type RouteModule = (router: Router, ctx: SandboxContext) => void;

export const routeModules: RouteModule[] = [coreclient, v2, admin];
