/**
 * The Kubernetes protobuf messages we decode, with the field numbers of the upstream
 * generated.proto files (core/v1, discovery/v1, authorization/v1, authentication/v1,
 * apimachinery meta/v1, util/intstr, api/resource) and the Go JSON tag of each field.
 *
 * One field per `;`, written `<number> <jsonName> <type>` in Go struct order (the JSON key order):
 *   type      s | i32 | i64 | b | bytes | <MessageName>; prefix `[]` repeated, `{}` map<string, T>
 *   suffix    (none) `json:",omitempty"`: zero scalars and empty lists/maps are dropped; structs are
 *                    always written, as Go's omitempty ignores structs
 *             `!`    no omitempty: always written (empty list/map as null, as Go's nil slice)
 *             `*`    a Go pointer: written exactly when present on the wire
 *             `^`    an embedded struct whose fields are inlined (`json:",inline"`)
 * Messages in SPECIAL_MESSAGES have custom JSON forms (see protobuf.ts).
 */

export const SPECIAL_MESSAGES = ['Time', 'MicroTime', 'IntOrString', 'Quantity', 'FieldsV1', 'ExtraValue'] as const;

const CONTAINER_FIELDS =
  '1 name s!; 2 image s; 3 command []s; 4 args []s; 5 workingDir s; 6 ports []ContainerPort; ' +
  '19 envFrom []EnvFromSource; 7 env []EnvVar; 8 resources ResourceRequirements; ' +
  '23 resizePolicy []ContainerResizePolicy; 24 restartPolicy s*; 9 volumeMounts []VolumeMount; ' +
  '21 volumeDevices []VolumeDevice; 10 livenessProbe Probe*; 11 readinessProbe Probe*; 22 startupProbe Probe*; ' +
  '12 lifecycle Lifecycle*; 13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; ' +
  '15 securityContext SecurityContext*; 16 stdin b; 17 stdinOnce b; 18 tty b';

export const MESSAGES: Readonly<Record<string, string>> = {
  // runtime
  Unknown: '1 typeMeta TypeMeta*; 2 raw bytes; 3 contentEncoding s; 4 contentType s',
  TypeMeta: '1 apiVersion s; 2 kind s',

  // meta/v1, intstr, resource
  Time: '1 seconds i64; 2 nanos i32',
  MicroTime: '1 seconds i64; 2 nanos i32',
  IntOrString: '1 type i64; 2 intVal i32; 3 strVal s',
  Quantity: '1 string s',
  FieldsV1: '1 Raw bytes',
  ObjectMeta:
    '1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s; 6 resourceVersion s; 7 generation i64; ' +
    '8 creationTimestamp Time; 9 deletionTimestamp Time*; 10 deletionGracePeriodSeconds i64*; 11 labels {}s; ' +
    '12 annotations {}s; 13 ownerReferences []OwnerReference; 14 finalizers []s; 17 managedFields []ManagedFieldsEntry',
  OwnerReference: '5 apiVersion s!; 1 kind s!; 3 name s!; 4 uid s!; 6 controller b*; 7 blockOwnerDeletion b*',
  ManagedFieldsEntry:
    '1 manager s; 2 operation s; 3 apiVersion s; 4 time Time*; 6 fieldsType s; 7 fieldsV1 FieldsV1*; 8 subresource s',
  Preconditions: '1 uid s*; 2 resourceVersion s*',
  DeleteOptions:
    '1 gracePeriodSeconds i64*; 2 preconditions Preconditions*; 3 orphanDependents b*; 4 propagationPolicy s*; ' +
    '5 dryRun []s; 6 ignoreStoreReadErrorWithClusterBreakingPotential b*',
  LabelSelector: '1 matchLabels {}s; 2 matchExpressions []LabelSelectorRequirement',
  LabelSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  Condition: '1 type s!; 2 status s!; 3 observedGeneration i64; 4 lastTransitionTime Time!; 5 reason s!; 6 message s!',

  // core/v1: shared
  ObjectReference:
    '1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s; 6 resourceVersion s; 7 fieldPath s',
  LocalObjectReference: '1 name s',

  // core/v1: Namespace
  Namespace: '1 metadata ObjectMeta; 2 spec NamespaceSpec; 3 status NamespaceStatus',
  NamespaceSpec: '1 finalizers []s',
  NamespaceStatus: '1 phase s; 2 conditions []NamespaceCondition',
  NamespaceCondition: '1 type s!; 2 status s!; 4 lastTransitionTime Time; 5 reason s; 6 message s',

  // core/v1: Service
  Service: '1 metadata ObjectMeta; 2 spec ServiceSpec; 3 status ServiceStatus',
  ServiceSpec:
    '1 ports []ServicePort; 2 selector {}s; 3 clusterIP s; 18 clusterIPs []s; 4 type s; 5 externalIPs []s; ' +
    '7 sessionAffinity s; 8 loadBalancerIP s; 9 loadBalancerSourceRanges []s; 10 externalName s; ' +
    '11 externalTrafficPolicy s; 12 healthCheckNodePort i32; 13 publishNotReadyAddresses b; ' +
    '14 sessionAffinityConfig SessionAffinityConfig*; 19 ipFamilies []s; 17 ipFamilyPolicy s*; ' +
    '20 allocateLoadBalancerNodePorts b*; 21 loadBalancerClass s*; 22 internalTrafficPolicy s*; ' +
    '23 trafficDistribution s*',
  ServicePort: '1 name s; 2 protocol s; 6 appProtocol s*; 3 port i32!; 4 targetPort IntOrString; 5 nodePort i32',
  SessionAffinityConfig: '1 clientIP ClientIPConfig*',
  ClientIPConfig: '1 timeoutSeconds i32*',
  ServiceStatus: '1 loadBalancer LoadBalancerStatus; 2 conditions []Condition',
  LoadBalancerStatus: '1 ingress []LoadBalancerIngress',
  LoadBalancerIngress: '1 ip s; 2 hostname s; 3 ipMode s*; 4 ports []PortStatus',
  PortStatus: '1 port i32!; 2 protocol s!; 3 error s*',

  // core/v1: ResourceQuota, LimitRange
  ResourceQuota: '1 metadata ObjectMeta; 2 spec ResourceQuotaSpec; 3 status ResourceQuotaStatus',
  ResourceQuotaSpec: '1 hard {}Quantity; 2 scopes []s; 3 scopeSelector ScopeSelector*',
  ScopeSelector: '1 matchExpressions []ScopedResourceSelectorRequirement',
  ScopedResourceSelectorRequirement: '1 scopeName s!; 2 operator s!; 3 values []s',
  ResourceQuotaStatus: '1 hard {}Quantity; 2 used {}Quantity',
  LimitRange: '1 metadata ObjectMeta; 2 spec LimitRangeSpec',
  LimitRangeSpec: '1 limits []LimitRangeItem!',
  LimitRangeItem:
    '1 type s!; 2 max {}Quantity; 3 min {}Quantity; 4 default {}Quantity; 5 defaultRequest {}Quantity; ' +
    '6 maxLimitRequestRatio {}Quantity',

  // core/v1: Endpoints, Binding, Event
  Endpoints: '1 metadata ObjectMeta; 2 subsets []EndpointSubset',
  EndpointSubset: '1 addresses []EndpointAddress; 2 notReadyAddresses []EndpointAddress; 3 ports []EndpointPort',
  EndpointAddress: '1 ip s!; 3 hostname s; 4 nodeName s*; 2 targetRef ObjectReference*',
  EndpointPort: '1 name s; 2 port i32!; 3 protocol s; 4 appProtocol s*',
  Binding: '1 metadata ObjectMeta; 2 target ObjectReference',
  Event:
    '1 metadata ObjectMeta; 2 involvedObject ObjectReference; 3 reason s; 4 message s; 5 source EventSource; ' +
    '6 firstTimestamp Time; 7 lastTimestamp Time; 8 count i32; 9 type s; 10 eventTime MicroTime; ' +
    '11 series EventSeries*; 12 action s; 13 related ObjectReference*; 14 reportingComponent s!; 15 reportingInstance s!',
  EventSource: '1 component s; 2 host s',
  EventSeries: '1 count i32; 2 lastObservedTime MicroTime',

  // core/v1: Node
  Node: '1 metadata ObjectMeta; 2 spec NodeSpec; 3 status NodeStatus',
  NodeSpec:
    '1 podCIDR s; 7 podCIDRs []s; 3 providerID s; 4 unschedulable b; 5 taints []Taint; ' +
    '6 configSource NodeConfigSource*; 2 externalID s',
  NodeConfigSource: '2 configMap ConfigMapNodeConfigSource*',
  ConfigMapNodeConfigSource: '1 namespace s!; 2 name s!; 3 uid s; 4 resourceVersion s; 5 kubeletConfigKey s!',
  Taint: '1 key s!; 2 value s; 3 effect s!; 4 timeAdded Time*',
  NodeStatus:
    '1 capacity {}Quantity; 2 allocatable {}Quantity; 3 phase s; 4 conditions []NodeCondition; ' +
    '5 addresses []NodeAddress; 6 daemonEndpoints NodeDaemonEndpoints; 7 nodeInfo NodeSystemInfo; ' +
    '8 images []ContainerImage; 9 volumesInUse []s; 10 volumesAttached []AttachedVolume; ' +
    '11 config NodeConfigStatus*; 12 runtimeHandlers []NodeRuntimeHandler; 13 features NodeFeatures*',
  NodeCondition:
    '1 type s!; 2 status s!; 3 lastHeartbeatTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  NodeAddress: '1 type s!; 2 address s!',
  NodeDaemonEndpoints: '1 kubeletEndpoint DaemonEndpoint',
  DaemonEndpoint: '1 Port i32!',
  NodeSystemInfo:
    '1 machineID s!; 2 systemUUID s!; 3 bootID s!; 4 kernelVersion s!; 5 osImage s!; ' +
    '6 containerRuntimeVersion s!; 7 kubeletVersion s!; 8 kubeProxyVersion s!; 9 operatingSystem s!; ' +
    '10 architecture s!; 11 swap NodeSwapStatus*',
  NodeSwapStatus: '1 capacity i64*',
  ContainerImage: '1 names []s; 2 sizeBytes i64',
  AttachedVolume: '1 name s!; 2 devicePath s!',
  NodeConfigStatus:
    '1 assigned NodeConfigSource*; 2 active NodeConfigSource*; 3 lastKnownGood NodeConfigSource*; 4 error s',
  NodeRuntimeHandler: '1 name s!; 2 features NodeRuntimeHandlerFeatures*',
  NodeRuntimeHandlerFeatures: '1 recursiveReadOnlyMounts b*; 2 userNamespaces b*',
  NodeFeatures: '1 supplementalGroupsPolicy b*',

  // core/v1: Pod
  Pod: '1 metadata ObjectMeta; 2 spec PodSpec; 3 status PodStatus',
  PodSpec:
    '1 volumes []Volume; 20 initContainers []Container; 2 containers []Container!; ' +
    '34 ephemeralContainers []EphemeralContainer; 3 restartPolicy s; 4 terminationGracePeriodSeconds i64*; ' +
    '5 activeDeadlineSeconds i64*; 6 dnsPolicy s; 7 nodeSelector {}s; 8 serviceAccountName s; ' +
    '9 serviceAccount s; 21 automountServiceAccountToken b*; 10 nodeName s; 11 hostNetwork b; 12 hostPID b; ' +
    '13 hostIPC b; 27 shareProcessNamespace b*; 14 securityContext PodSecurityContext*; ' +
    '15 imagePullSecrets []LocalObjectReference; 16 hostname s; 17 subdomain s; 18 affinity Affinity*; ' +
    '19 schedulerName s; 22 tolerations []Toleration; 23 hostAliases []HostAlias; 24 priorityClassName s; ' +
    '25 priority i32*; 26 dnsConfig PodDNSConfig*; 28 readinessGates []PodReadinessGate; 29 runtimeClassName s*; ' +
    '30 enableServiceLinks b*; 31 preemptionPolicy s*; 32 overhead {}Quantity; ' +
    '33 topologySpreadConstraints []TopologySpreadConstraint; 35 setHostnameAsFQDN b*; 36 os PodOS*; ' +
    '37 hostUsers b*; 38 schedulingGates []PodSchedulingGate; 40 resources ResourceRequirements*',
  Container: CONTAINER_FIELDS,
  EphemeralContainer: '1 ephemeralContainerCommon EphemeralContainerCommon^; 2 targetContainerName s',
  EphemeralContainerCommon: CONTAINER_FIELDS,
  ContainerPort: '1 name s; 2 hostPort i32; 3 containerPort i32!; 4 protocol s; 5 hostIP s',
  ContainerResizePolicy: '1 resourceName s!; 2 restartPolicy s!',
  EnvFromSource: '1 prefix s; 2 configMapRef ConfigMapEnvSource*; 3 secretRef SecretEnvSource*',
  ConfigMapEnvSource: '1 localObjectReference LocalObjectReference^; 2 optional b*',
  SecretEnvSource: '1 localObjectReference LocalObjectReference^; 2 optional b*',
  EnvVar: '1 name s!; 2 value s; 3 valueFrom EnvVarSource*',
  EnvVarSource:
    '1 fieldRef ObjectFieldSelector*; 2 resourceFieldRef ResourceFieldSelector*; ' +
    '3 configMapKeyRef ConfigMapKeySelector*; 4 secretKeyRef SecretKeySelector*',
  ObjectFieldSelector: '1 apiVersion s; 2 fieldPath s!',
  ResourceFieldSelector: '1 containerName s; 2 resource s!; 3 divisor Quantity',
  ConfigMapKeySelector: '1 localObjectReference LocalObjectReference^; 2 key s!; 3 optional b*',
  SecretKeySelector: '1 localObjectReference LocalObjectReference^; 2 key s!; 3 optional b*',
  ResourceRequirements: '1 limits {}Quantity; 2 requests {}Quantity; 3 claims []ResourceClaim',
  ResourceClaim: '1 name s!; 2 request s',
  VolumeMount:
    '1 name s!; 2 readOnly b; 7 recursiveReadOnly s*; 3 mountPath s!; 4 subPath s; 5 mountPropagation s*; 6 subPathExpr s',
  VolumeDevice: '1 name s!; 2 devicePath s!',
  Probe:
    '1 handler ProbeHandler^; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; ' +
    '5 successThreshold i32; 6 failureThreshold i32; 7 terminationGracePeriodSeconds i64*',
  ProbeHandler: '1 exec ExecAction*; 2 httpGet HTTPGetAction*; 3 tcpSocket TCPSocketAction*; 4 grpc GRPCAction*',
  Lifecycle: '1 postStart LifecycleHandler*; 2 preStop LifecycleHandler*; 3 stopSignal s*',
  LifecycleHandler: '1 exec ExecAction*; 2 httpGet HTTPGetAction*; 3 tcpSocket TCPSocketAction*; 4 sleep SleepAction*',
  ExecAction: '1 command []s',
  HTTPGetAction: '1 path s; 2 port IntOrString; 3 host s; 4 scheme s; 5 httpHeaders []HTTPHeader',
  HTTPHeader: '1 name s!; 2 value s!',
  TCPSocketAction: '1 port IntOrString; 2 host s',
  GRPCAction: '1 port i32!; 2 service s*',
  SleepAction: '1 seconds i64!',
  SecurityContext:
    '1 capabilities Capabilities*; 2 privileged b*; 3 seLinuxOptions SELinuxOptions*; ' +
    '10 windowsOptions WindowsSecurityContextOptions*; 4 runAsUser i64*; 8 runAsGroup i64*; 5 runAsNonRoot b*; ' +
    '6 readOnlyRootFilesystem b*; 7 allowPrivilegeEscalation b*; 9 procMount s*; 11 seccompProfile SeccompProfile*; ' +
    '12 appArmorProfile AppArmorProfile*',
  Capabilities: '1 add []s; 2 drop []s',
  PodSecurityContext:
    '1 seLinuxOptions SELinuxOptions*; 8 windowsOptions WindowsSecurityContextOptions*; 2 runAsUser i64*; ' +
    '6 runAsGroup i64*; 3 runAsNonRoot b*; 4 supplementalGroups []i64; 12 supplementalGroupsPolicy s*; ' +
    '5 fsGroup i64*; 7 sysctls []Sysctl; 9 fsGroupChangePolicy s*; 10 seccompProfile SeccompProfile*; ' +
    '11 appArmorProfile AppArmorProfile*; 13 seLinuxChangePolicy s*',
  SELinuxOptions: '1 user s; 2 role s; 3 type s; 4 level s',
  WindowsSecurityContextOptions:
    '1 gmsaCredentialSpecName s*; 2 gmsaCredentialSpec s*; 3 runAsUserName s*; 4 hostProcess b*',
  Sysctl: '1 name s!; 2 value s!',
  SeccompProfile: '1 type s!; 2 localhostProfile s*',
  AppArmorProfile: '1 type s!; 2 localhostProfile s*',
  Toleration: '1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds i64*',
  HostAlias: '1 ip s!; 2 hostnames []s',
  PodDNSConfig: '1 nameservers []s; 2 searches []s; 3 options []PodDNSConfigOption',
  PodDNSConfigOption: '1 name s; 2 value s*',
  PodReadinessGate: '1 conditionType s!',
  PodOS: '1 name s!',
  PodSchedulingGate: '1 name s!',
  Affinity: '1 nodeAffinity NodeAffinity*; 2 podAffinity PodAffinity*; 3 podAntiAffinity PodAntiAffinity*',
  NodeAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector*; ' +
    '2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  NodeSelector: '1 nodeSelectorTerms []NodeSelectorTerm!',
  NodeSelectorTerm: '1 matchExpressions []NodeSelectorRequirement; 2 matchFields []NodeSelectorRequirement',
  NodeSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  PreferredSchedulingTerm: '1 weight i32!; 2 preference NodeSelectorTerm',
  PodAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; ' +
    '2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAntiAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; ' +
    '2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAffinityTerm:
    '1 labelSelector LabelSelector*; 2 namespaces []s; 3 topologyKey s!; 4 namespaceSelector LabelSelector*; ' +
    '5 matchLabelKeys []s; 6 mismatchLabelKeys []s',
  WeightedPodAffinityTerm: '1 weight i32!; 2 podAffinityTerm PodAffinityTerm',
  TopologySpreadConstraint:
    '1 maxSkew i32!; 2 topologyKey s!; 3 whenUnsatisfiable s!; 4 labelSelector LabelSelector*; 5 minDomains i32*; ' +
    '6 nodeAffinityPolicy s*; 7 nodeTaintsPolicy s*; 8 matchLabelKeys []s',
  Volume: '1 name s!; 2 volumeSource VolumeSource^',
  VolumeSource:
    '1 hostPath HostPathVolumeSource*; 2 emptyDir EmptyDirVolumeSource*; 6 secret SecretVolumeSource*; ' +
    '7 nfs NFSVolumeSource*; 10 persistentVolumeClaim PersistentVolumeClaimVolumeSource*; ' +
    '16 downwardAPI DownwardAPIVolumeSource*; 19 configMap ConfigMapVolumeSource*; ' +
    '26 projected ProjectedVolumeSource*; 28 csi CSIVolumeSource*',
  HostPathVolumeSource: '1 path s!; 2 type s*',
  EmptyDirVolumeSource: '1 medium s; 2 sizeLimit Quantity*',
  SecretVolumeSource: '1 secretName s; 2 items []KeyToPath; 3 defaultMode i32*; 4 optional b*',
  NFSVolumeSource: '1 server s!; 2 path s!; 3 readOnly b',
  PersistentVolumeClaimVolumeSource: '1 claimName s!; 2 readOnly b',
  DownwardAPIVolumeSource: '1 items []DownwardAPIVolumeFile; 2 defaultMode i32*',
  DownwardAPIVolumeFile:
    '1 path s!; 2 fieldRef ObjectFieldSelector*; 3 resourceFieldRef ResourceFieldSelector*; 4 mode i32*',
  ConfigMapVolumeSource:
    '1 localObjectReference LocalObjectReference^; 2 items []KeyToPath; 3 defaultMode i32*; 4 optional b*',
  KeyToPath: '1 key s!; 2 path s!; 3 mode i32*',
  ProjectedVolumeSource: '1 sources []VolumeProjection!; 2 defaultMode i32*',
  VolumeProjection:
    '1 secret SecretProjection*; 2 downwardAPI DownwardAPIProjection*; 3 configMap ConfigMapProjection*; ' +
    '4 serviceAccountToken ServiceAccountTokenProjection*',
  SecretProjection: '1 localObjectReference LocalObjectReference^; 2 items []KeyToPath; 4 optional b*',
  ConfigMapProjection: '1 localObjectReference LocalObjectReference^; 2 items []KeyToPath; 4 optional b*',
  DownwardAPIProjection: '1 items []DownwardAPIVolumeFile',
  ServiceAccountTokenProjection: '1 audience s; 2 expirationSeconds i64*; 3 path s!',
  CSIVolumeSource:
    '1 driver s!; 2 readOnly b*; 3 fsType s*; 4 volumeAttributes {}s; 5 nodePublishSecretRef LocalObjectReference*',
  PodStatus:
    '1 phase s; 2 conditions []PodCondition; 3 message s; 4 reason s; 11 nominatedNodeName s; 5 hostIP s; ' +
    '16 hostIPs []HostIP; 6 podIP s; 12 podIPs []PodIP; 7 startTime Time*; ' +
    '10 initContainerStatuses []ContainerStatus; 8 containerStatuses []ContainerStatus; 9 qosClass s; ' +
    '13 ephemeralContainerStatuses []ContainerStatus; 14 resize s',
  PodCondition:
    '1 type s!; 2 status s!; 3 lastProbeTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  HostIP: '1 ip s!',
  PodIP: '1 ip s!',
  ContainerStatus:
    '1 name s!; 2 state ContainerState; 3 lastState ContainerState; 4 ready b!; 5 restartCount i32!; 6 image s!; ' +
    '7 imageID s!; 8 containerID s; 9 started b*; 10 allocatedResources {}Quantity; 11 resources ResourceRequirements*',
  ContainerState:
    '1 waiting ContainerStateWaiting*; 2 running ContainerStateRunning*; 3 terminated ContainerStateTerminated*',
  ContainerStateWaiting: '1 reason s; 2 message s',
  ContainerStateRunning: '1 startedAt Time',
  ContainerStateTerminated:
    '1 exitCode i32!; 2 signal i32; 3 reason s; 4 message s; 5 startedAt Time; 6 finishedAt Time; 7 containerID s',

  // discovery.k8s.io/v1 (prefixed: core/v1 has its own Endpoint* messages)
  EndpointSlice:
    '1 metadata ObjectMeta; 4 addressType s!; 2 endpoints []DiscoveryEndpoint!; 3 ports []DiscoveryEndpointPort',
  DiscoveryEndpoint:
    '1 addresses []s!; 2 conditions DiscoveryEndpointConditions; 3 hostname s*; 4 targetRef ObjectReference*; ' +
    '5 deprecatedTopology {}s; 6 nodeName s*; 7 zone s*; 8 hints DiscoveryEndpointHints*',
  DiscoveryEndpointConditions: '1 ready b*; 2 serving b*; 3 terminating b*',
  DiscoveryEndpointHints: '1 forZones []DiscoveryForZone; 2 forNodes []DiscoveryForNode',
  DiscoveryForZone: '1 name s!',
  DiscoveryForNode: '1 name s!',
  DiscoveryEndpointPort: '1 name s*; 2 protocol s*; 3 port i32*; 4 appProtocol s*',

  // policy/v1 (drain posts an Eviction to pods/<name>/eviction)
  Eviction: '1 metadata ObjectMeta; 2 deleteOptions DeleteOptions*',

  // authorization.k8s.io/v1
  SelfSubjectAccessReview:
    '1 metadata ObjectMeta; 2 spec SelfSubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus',
  SelfSubjectAccessReviewSpec: '1 resourceAttributes ResourceAttributes*; 2 nonResourceAttributes NonResourceAttributes*',
  ResourceAttributes:
    '1 namespace s; 2 verb s; 3 group s; 4 version s; 5 resource s; 6 subresource s; 7 name s; ' +
    '8 fieldSelector FieldSelectorAttributes*; 9 labelSelector LabelSelectorAttributes*',
  FieldSelectorAttributes: '1 rawSelector s; 2 requirements []FieldSelectorRequirement',
  FieldSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  LabelSelectorAttributes: '1 rawSelector s; 2 requirements []LabelSelectorRequirement',
  NonResourceAttributes: '1 path s; 2 verb s',
  SubjectAccessReviewStatus: '1 allowed b!; 4 denied b; 2 reason s; 3 evaluationError s',

  // authentication.k8s.io/v1
  SelfSubjectReview: '1 metadata ObjectMeta; 2 status SelfSubjectReviewStatus',
  SelfSubjectReviewStatus: '1 userInfo UserInfo',
  UserInfo: '1 username s; 2 uid s; 3 groups []s; 4 extra {}ExtraValue',
  ExtraValue: '1 items []s',
};

export type ScalarType = 's' | 'i32' | 'i64' | 'b' | 'bytes';
export type FieldMode = 'omitempty' | 'always' | 'pointer' | 'inline';

export interface FieldSpec {
  id: number;
  name: string;
  /** A scalar code or a message name. */
  type: string;
  repeated: boolean;
  map: boolean;
  mode: FieldMode;
}

const SCALARS = new Set<string>(['s', 'i32', 'i64', 'b', 'bytes']);

export function isScalar(type: string): type is ScalarType {
  return SCALARS.has(type);
}

/** Parses one message's field list; throws on a malformed entry (a programming error). */
export function parseFields(spec: string): FieldSpec[] {
  return spec.split(';').map((raw) => {
    const m = /^\s*(\d+)\s+(\w+)\s+(\[\]|\{\})?(\w+)([!*^]?)\s*$/.exec(raw);
    if (!m) throw new Error(`bad protobuf field spec: ${raw}`);
    const [, id, name, collection, type, suffix] = m as unknown as [string, string, string, string | undefined, string, string];
    const mode: FieldMode = suffix === '!' ? 'always' : suffix === '*' ? 'pointer' : suffix === '^' ? 'inline' : 'omitempty';
    return { id: Number(id), name, type, repeated: collection === '[]', map: collection === '{}', mode };
  });
}
