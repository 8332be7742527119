/**
 * The ServiceAccount admission plugin's pod mutation (plugin/pkg/admission/serviceaccount):
 * every container and init container gets the API credentials mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount from one projected `kube-api-access-<5 chars>`
 * volume (a bound token, the cluster CA from the kube-root-ca.crt ConfigMap, the namespace).
 *
 * Not carried over: kubelevel serves no ServiceAccounts, so the account's existence is not
 * checked, its automountServiceAccountToken and imagePullSecrets are not consulted, and
 * mountable-secrets enforcement does not apply; only the pod's own preference is honoured.
 */
import type { Pod } from './pods.js';

/** Prefix of the generated volume name (upstream's ServiceAccountVolumeName). */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access';
/** Where the token, ca.crt and namespace files appear in every container. */
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** One hour and seven seconds: upstream's WarnOnlyBoundTokenExpirationSeconds. */
export const TOKEN_EXPIRATION_SECONDS = 3607;
/** 0644, set explicitly as upstream (kubernetes#104464). */
const PROJECTED_DEFAULT_MODE = 420;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const GENERATED_SUFFIX_LENGTH = 5;

interface VolumeMount {
  name?: string;
  mountPath?: string;
  [k: string]: unknown;
}

interface Volume {
  name?: string;
  [k: string]: unknown;
}

/** The projected volume source upstream's TokenVolumeSource() builds, in Go field order. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: PROJECTED_DEFAULT_MODE,
  };
}

/**
 * Admit(): defaults spec.serviceAccountName and mounts the API token unless the pod opts out
 * (spec.automountServiceAccountToken: false) or is a mirror pod. Mutates `pod`.
 * `randomSuffix(n)` names the volume, as upstream's SimpleNameGenerator.
 */
export function admitServiceAccount(pod: Pod, randomSuffix: (n: number) => string): void {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
  const spec = (pod.spec ??= {});
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  if (spec.automountServiceAccountToken === false) return;
  mountServiceAccountToken(pod, randomSuffix);
}

/** upstream's mountServiceAccountToken: one shared volume, a mount in each container lacking one. */
function mountServiceAccountToken(pod: Pod, randomSuffix: (n: number) => string): void {
  const spec = pod.spec!;
  const volumes = (spec.volumes ?? []) as Volume[];
  // a volume already named kube-api-access-* is reused (a re-admitted pod, a copied spec)
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_PREFIX}-`));
  const volumeName = existing?.name ?? `${SERVICE_ACCOUNT_VOLUME_PREFIX}-${randomSuffix(GENERATED_SUFFIX_LENGTH)}`;

  let needsVolume = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const mounts = (c.volumeMounts ?? []) as VolumeMount[];
    // an existing mount at the default path keeps the container as it is
    if (mounts.some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
    needsVolume = true;
  }
  if (existing || !needsVolume) return;
  const volume = { name: volumeName, projected: tokenVolumeSource() };
  if (Array.isArray(spec.volumes)) {
    (spec.volumes as Volume[]).push(volume);
  } else {
    // PodSpec.Volumes is the first field of the Go struct, so it leads the serialised spec
    const { volumes: _absent, ...rest } = spec;
    void _absent;
    pod.spec = { volumes: [volume], ...rest };
  }
}
