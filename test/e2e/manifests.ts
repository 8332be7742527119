/** YAML manifests shared by the e2e tests, written the way the Kubernetes tutorials write them. */

export interface PodOptions {
  name: string;
  labels?: Record<string, string>;
  namespace?: string;
  image?: string;
  /** Container ports as `{ name?, containerPort }`. */
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

function mapYaml(m: Record<string, string>, indent: string): string {
  return Object.entries(m)
    .map(([k, v]) => `${indent}${k}: ${JSON.stringify(v)}`)
    .join('\n');
}

export function podYaml(o: PodOptions): string {
  const ports = o.ports ?? [{ containerPort: 80 }];
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${o.name}`,
    ...(o.namespace ? [`  namespace: ${o.namespace}`] : []),
    ...(o.labels && Object.keys(o.labels).length > 0 ? ['  labels:', mapYaml(o.labels, '    ')] : []),
    'spec:',
    '  containers:',
    `  - name: app`,
    `    image: ${o.image ?? 'nginx:1.25'}`,
    ...(ports.length > 0
      ? [
          '    ports:',
          ...ports.flatMap((p) => [
            `    - containerPort: ${p.containerPort}`,
            ...(p.name ? [`      name: ${p.name}`] : []),
            ...(p.protocol ? [`      protocol: ${p.protocol}`] : []),
          ]),
        ]
      : []),
    '',
  ].join('\n');
}

export interface ServicePortOptions {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

export interface ServiceOptions {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  selector?: Record<string, string>;
  type?: string;
  clusterIP?: string;
  externalName?: string;
  sessionAffinity?: string;
  ports?: ServicePortOptions[];
}

export function serviceYaml(o: ServiceOptions): string {
  const ports = o.ports ?? [{ port: 80 }];
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${o.name}`,
    ...(o.namespace ? [`  namespace: ${o.namespace}`] : []),
    ...(o.labels && Object.keys(o.labels).length > 0 ? ['  labels:', mapYaml(o.labels, '    ')] : []),
    'spec:',
    ...(o.type ? [`  type: ${o.type}`] : []),
    ...(o.clusterIP ? [`  clusterIP: ${o.clusterIP}`] : []),
    ...(o.externalName ? [`  externalName: ${o.externalName}`] : []),
    ...(o.sessionAffinity ? [`  sessionAffinity: ${o.sessionAffinity}`] : []),
    ...(o.selector ? ['  selector:', mapYaml(o.selector, '    ')] : []),
    ...(ports.length > 0
      ? [
          '  ports:',
          ...ports.flatMap((p) => [
            `  - port: ${p.port}`,
            ...(p.name ? [`    name: ${p.name}`] : []),
            ...(p.protocol ? [`    protocol: ${p.protocol}`] : []),
            ...(p.targetPort !== undefined ? [`    targetPort: ${typeof p.targetPort === 'number' ? p.targetPort : p.targetPort}`] : []),
            ...(p.nodePort !== undefined ? [`    nodePort: ${p.nodePort}`] : []),
          ]),
        ]
      : []),
    '',
  ].join('\n');
}
