/**
 * Redis Cluster support: `RedisCluster` (routing by slot, MOVED/ASK, retries), its pipelines
 * and pub/sub, and the slot helpers. Re-exported by the package entry point.
 */
export {
  RedisCluster,
  type RedisClusterConstructor,
  type RedisClusterOptions,
  type ClusterNodeAddress,
  type TargetNodes,
  type LoadBalancingStrategy,
} from "./cluster.js";
export { ClusterNode, type ServerType, type AddressRemap } from "./topology.js";
export { ClusterPipeline, type ClusterExecuteOptions } from "./pipeline.js";
export { ClusterPubSub, type ClusterPubSubOptions, type ClusterGetMessageOptions } from "./pubsub.js";
export { keySlot, crc16, REDIS_CLUSTER_HASH_SLOTS } from "./slots.js";
