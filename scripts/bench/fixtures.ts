/** Objects the benchmarks write: realistic in size (a pod here is ~1 KiB of JSON once defaulted). */

export function namespaceTemplate(): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: '__NAME__' } });
}

export function podObject(name: string, labels: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'bench', ...labels } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/bench/web:1.4.2',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'MODE', value: 'bench' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        },
      ],
    },
  };
}

/** A Pod create body with `__NAME__` (and `__APP__` in its app label). */
export function podTemplate(): string {
  return JSON.stringify(podObject('__NAME__', { app: '__APP__' }));
}

export function serviceObject(name: string, selector: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

/** A Service create body (ClusterIP allocated by the server) selecting `app: __APP__`. */
export function serviceTemplate(): string {
  return JSON.stringify(serviceObject('__NAME__', { app: '__APP__' }));
}
