/**
 * Every surface module, in one list. A module exports `register(router, ctx)` and registers its routes there;
 * add new modules here (see sandbox/README.md, "Adding a route").
 */
import type { SandboxContext } from '../context';
import type { Router } from '../router';

export type RouteModule = (router: Router, ctx: SandboxContext) => void;

export const routeModules: RouteModule[] = [];
