/** What /version reports. minor decides which kubectl the dispatcher runs, so it names the API we mirror. */
import type { VersionInfo } from './server/server.js';

export const KUBERNETES_VERSION = { major: '1', minor: '33', patch: '0' };
export const KUBELEVEL_VERSION = '0.1.0';

export const VERSION_INFO: VersionInfo = {
  major: KUBERNETES_VERSION.major,
  minor: KUBERNETES_VERSION.minor,
  gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}-kubelevel.${KUBELEVEL_VERSION}`,
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-22T00:00:00Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};
