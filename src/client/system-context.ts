/** The identity in-process components (bootstrap, controllers) write as. */
import type { RequestContext } from '../registry/resource-definition.js';
import type { RegistryClock } from '../registry/object-meta.js';

export const SYSTEM_USER = { username: 'system:kubelevel', groups: ['system:masters', 'system:authenticated'] };

export function systemContext(clock: RegistryClock): RequestContext {
  return { user: SYSTEM_USER, dryRun: false, now: clock.now(), randomSuffix: (n) => clock.randomSuffix(n), warnings: [] };
}
