#!/usr/bin/env bash
# Plays the user flows 1–12 (docs: user-flows.md) against a fresh kubelevel with real kubectl,
# printing every command and its output. Usage: scripts/demo.sh   (needs node and kubectl on PATH)
# Env: KUBECTL=<binary> to pick a kubectl (e.g. kubectl.1.29), DEMO_PAUSE=<seconds> between steps.
set -euo pipefail

cd "$(dirname "$0")/.."
KUBECTL=${KUBECTL:-kubectl}
PAUSE=${DEMO_PAUSE:-0}
command -v "$KUBECTL" >/dev/null || { echo "demo: $KUBECTL not found on PATH" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kubelevel-demo-XXXXXX")
SERVER_PID=""
WATCH_PID=""
cleanup() {
  local code=$?
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null || true
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT INT TERM

# --- start the server --------------------------------------------------------------------------
node --import tsx src/main.ts --data-dir "$WORK/data" --secure-port 0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  grep -q '"kubelevel is serving"' "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "demo: the server exited" >&2; exit 1; }
  sleep 0.1
done
grep -q '"kubelevel is serving"' "$WORK/server.log" || { cat "$WORK/server.log" >&2; echo "demo: the server did not start" >&2; exit 1; }
SERVING=$(grep '"kubelevel is serving"' "$WORK/server.log" | head -n 1)
URL=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).url)' "$SERVING")
export KUBECONFIG
KUBECONFIG=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).kubeconfig)' "$SERVING")
CACHE="$WORK/kube-cache" # a fresh discovery cache: kubectl caches discovery for hours
mkdir -p "$WORK/manifests"
cd "$WORK/manifests"

# --- helpers -----------------------------------------------------------------------------------
k() { "$KUBECTL" --cache-dir "$CACHE" "$@"; }
title() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# run: print the command, then run it (a failure stops the demo)
run() {
  printf '\n$ kubectl %s\n' "$*"
  k "$@"
  [ "$PAUSE" = 0 ] || sleep "$PAUSE"
}
# refused: a command that must fail; its error is part of the demo
refused() {
  printf '\n$ kubectl %s\n' "$*"
  if k "$@"; then echo "demo: expected this command to be refused" >&2; exit 1; fi
}
# until_out <description> <expected stdout> <kubectl args…>: poll (up to 20 s) until kubectl prints it
until_out() {
  local what=$1 want=$2
  shift 2
  for _ in $(seq 1 200); do
    [ "$(k "$@" 2>/dev/null || true)" = "$want" ] && return 0
    sleep 0.1
  done
  echo "demo: timed out waiting for $what" >&2
  exit 1
}
show() { printf '\n$ cat %s\n' "$1"; cat "$1"; }

echo "kubelevel is serving at $URL"
echo "KUBECONFIG=$KUBECONFIG"
run version

# --- 1. a ClusterIP Service in front of pods ---------------------------------------------------
title "1. A ClusterIP Service in front of pods"
cat >service.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app: MyApp
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9376
EOF
cat >pods.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: myapp-1
  labels: {app: MyApp}
spec:
  containers:
  - name: app
    image: nginx:1.25
    ports: [{containerPort: 9376}]
---
apiVersion: v1
kind: Pod
metadata:
  name: myapp-2
  labels: {app: MyApp}
spec:
  containers:
  - name: app
    image: nginx:1.25
    ports: [{containerPort: 9376}]
EOF
show service.yaml
run apply -f service.yaml
run get svc
run apply -f pods.yaml
run wait --for=condition=Ready pod -l app=MyApp --timeout=30s
until_out "two endpoints" "2" get endpoints my-service -o go-template='{{len (index .subsets 0).addresses}}'
run get pods -o wide
run get endpoints my-service
run describe svc my-service

# --- 2. endpoints follow the pods --------------------------------------------------------------
title "2. Endpoints follow the pods (kubectl get endpoints my-service --watch)"
CLUSTER_IP=$(k get svc my-service -o 'jsonpath={.spec.clusterIP}')
k get endpoints my-service --watch >"$WORK/watch.out" 2>/dev/null &
WATCH_PID=$!
for _ in $(seq 1 100); do [ "$(wc -l <"$WORK/watch.out")" -ge 2 ] && break; sleep 0.1; done
run delete pod myapp-2
until_out "one endpoint" "1" get endpoints my-service -o go-template='{{len (index .subsets 0).addresses}}'
cat >pod3.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: myapp-3
  labels: {app: MyApp}
spec:
  containers:
  - name: app
    image: nginx:1.25
    ports: [{containerPort: 9376}]
EOF
run apply -f pod3.yaml
run wait --for=condition=Ready pod/myapp-3 --timeout=30s
until_out "two endpoints again" "2" get endpoints my-service -o go-template='{{len (index .subsets 0).addresses}}'
for _ in $(seq 1 50); do [ "$(grep -c my-service "$WORK/watch.out")" -ge 3 ] && break; sleep 0.1; done
kill "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
printf '\n$ kubectl get endpoints my-service --watch   # (what the watching terminal printed)\n'
cat "$WORK/watch.out"
printf '\nThe Service IP is still %s: ' "$CLUSTER_IP"
k get svc my-service -o 'jsonpath={.spec.clusterIP}{"\n"}'

# --- 3. kubectl run + expose -------------------------------------------------------------------
title "3. kubectl run + expose"
run run alpaca-prod --image=gcr.io/kuar-demo/kuard-amd64:blue --port=8080 --labels="ver=1,app=alpaca,env=prod"
run expose pod alpaca-prod
run get services -o wide
run get pods -l app=alpaca -o 'jsonpath={.items[0].metadata.name}'
echo

# --- 4. headless -------------------------------------------------------------------------------
title "4. A headless Service"
cat >headless.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: alpaca-headless
spec:
  clusterIP: None
  selector: {app: alpaca}
  ports:
  - port: 8080
EOF
run apply -f headless.yaml
run get svc alpaca-headless
run wait --for=condition=Ready pod/alpaca-prod --timeout=30s
until_out "headless endpoints" "1" get endpoints alpaca-headless -o go-template='{{len (index .subsets 0).addresses}}'
run get endpoints alpaca-headless

# --- 5. a Service without a selector -----------------------------------------------------------
title "5. A Service without a selector, with hand-written Endpoints"
cat >external.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: external-db
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 8000
---
apiVersion: v1
kind: Endpoints
metadata:
  name: external-db
subsets:
- addresses:
  - ip: 1.2.3.4
  ports:
  - port: 8000
EOF
show external.yaml
run apply -f external.yaml
run get endpoints external-db
run describe svc external-db

# --- 6. multi-port -----------------------------------------------------------------------------
title "6. Multi-port Services need port names"
cat >multi.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  selector: {app: dns}
  ports:
  - name: dns-tcp
    protocol: TCP
    port: 53
  - name: dns-udp
    protocol: UDP
    port: 53
EOF
cat >multi-unnamed.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: dns-unnamed
spec:
  selector: {app: dns}
  ports:
  - name: dns-tcp
    protocol: TCP
    port: 53
  - protocol: UDP
    port: 53
EOF
run apply -f multi.yaml
run get svc dns
show multi-unnamed.yaml
refused apply -f multi-unnamed.yaml

# --- 7. NodePort -------------------------------------------------------------------------------
title "7. NodePort"
cat >nodeport.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web-np
spec:
  type: NodePort
  selector: {app: MyApp}
  ports:
  - port: 80
    targetPort: 9376
    nodePort: 30001
EOF
sed 's/30001/8000/; s/web-np/web-np-bad/' nodeport.yaml >nodeport-bad.yaml
run apply -f nodeport.yaml
run get svc web-np
refused apply -f nodeport-bad.yaml
run patch svc my-service -p '{"spec":{"type":"NodePort"}}'
run get svc my-service

# --- 8. LoadBalancer ---------------------------------------------------------------------------
title "8. LoadBalancer: change the type with kubectl apply"
sed 's/^spec:/spec:\n  type: LoadBalancer/' service.yaml >service-lb.yaml
show service-lb.yaml
run apply -f service-lb.yaml
for _ in $(seq 1 100); do
  [ -n "$(k get svc my-service -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')" ] && break
  sleep 0.1
done
run get svc my-service
printf 'CLUSTER-IP unchanged: %s\n' "$CLUSTER_IP"

# --- 9. ExternalName ---------------------------------------------------------------------------
title "9. ExternalName"
cat >externalname.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: my-database
spec:
  type: ExternalName
  externalName: my.database.example.com
EOF
run apply -f externalname.yaml
run get svc my-database

# --- 10. session affinity ----------------------------------------------------------------------
title "10. Session affinity"
cat >sticky.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: sticky
spec:
  sessionAffinity: ClientIP
  selector: {app: MyApp}
  ports:
  - port: 80
    targetPort: 9376
EOF
run apply -f sticky.yaml
run describe svc sticky

# --- 11. readiness -----------------------------------------------------------------------------
title "11. Readiness: a pod that is not ready moves to NotReadyAddresses"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run patch pod myapp-1 --subresource=status -p "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"lastTransitionTime\":\"$NOW\"}]}}"
until_out "a not-ready address" "1" get endpoints sticky -o go-template='{{len (index .subsets 0).notReadyAddresses}}'
run describe endpoints sticky
run patch pod myapp-1 --subresource=status -p "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$NOW\"}]}}"
until_out "both addresses to be ready again" "2" get endpoints sticky -o go-template='{{len (index .subsets 0).addresses}}'
run get endpoints sticky

# --- 12. clean up ------------------------------------------------------------------------------
title "12. Clean up"
run create namespace demo
run run demo-pod -n demo --image=nginx:1.25 --labels=app=demo
run expose pod demo-pod -n demo --port=80
run get all -n demo
run delete services,pods -l app
run get services,pods
run delete ns demo
refused get ns demo

title "Done"
