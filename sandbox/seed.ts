/** Demo seed: filled in below. */
import type { SandboxContext } from './context';

export interface SandboxCredentials {
	baseUrl: string;
}

export function seedDemo(_ctx: SandboxContext, baseUrl: string): SandboxCredentials {
	return { baseUrl };
}
