package dev.croupier.engine.internal.keys;

import dev.croupier.api.Names;
import dev.croupier.api.RetryKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Builds every Redis key name Croupier uses. The Lua scripts build the names they derive from the
 * shard prefix in {@code lua/includes/keys.lua}, which mirrors this class function for function
 * (LuaMirrorsTest runs both on the same inputs): change the two together.
 *
 * <p>Layout, per shard: {@code <ns>:{c:N}:<suffix>}. The hash tag {@code {c:N}} puts all of a
 * shard's keys in one Redis Cluster slot, so every script touches one slot. Tenant and function
 * names are validated ({@link Names}); concurrency-key values and idempotency keys, which are free
 * text, are used verbatim only when they are short and plain, else hashed.
 */
public final class KeySchema {

  /** The shard that holds configuration (function specs, tenant plans, pauses). */
  public static final int CONFIG_SHARD = 0;

  private final String namespace;
  private final int shards;

  /** A schema for {@code namespace} with {@code shards} shards. */
  public KeySchema(String namespace, int shards) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be positive: " + shards);
    }
    this.shards = shards;
  }

  /** Number of shards. */
  public int shards() {
    return shards;
  }

  /** The shard a tenant's queues and jobs live in (jump consistent hash of the tenant name). */
  public int shardOf(String tenant) {
    return JumpHash.bucket(fnv1a64(tenant), shards);
  }

  /** The prefix every key of {@code shard} starts with, e.g. {@code croupier:{c:3}:}. */
  public String prefix(int shard) {
    return namespace + ":{c:" + shard + "}:";
  }

  // ---- virtual queues and the tiered index ----

  /** The id of a virtual queue: {@code tenant:function[:keyToken]}. */
  public String queueId(String tenant, String function, String queueKeyValue) {
    Names.requireTenant(tenant);
    Names.requireFunction(function);
    return queueKeyValue == null
        ? tenant + ":" + function
        : tenant + ":" + function + ":" + token(queueKeyValue);
  }

  /** The tenant part of a queue id. */
  public static String tenantOfQueue(String queueId) {
    return queueId.substring(0, queueId.indexOf(':'));
  }

  /** The function part of a queue id. */
  public static String functionOfQueue(String queueId) {
    int a = queueId.indexOf(':');
    int b = queueId.indexOf(':', a + 1);
    return b < 0 ? queueId.substring(a + 1) : queueId.substring(a + 1, b);
  }

  /** A virtual queue's jobs that are not in its list: delayed, prioritised, retried, replayed (scored). */
  public String queue(int shard, String queueId) {
    return prefix(shard) + "q:" + queueId;
  }

  /** A virtual queue's jobs whose score is their id's time (due at once, no priority), in order. */
  public String queueList(int shard, String queueId) {
    return prefix(shard) + "ql:" + queueId;
  }

  /** Ids of cancelled jobs still in a queue's list (the next claim to reach them drops them). */
  public String queueCancelled(int shard, String queueId) {
    return prefix(shard) + "qx:" + queueId;
  }

  // ---- the scheduler's index (lua/includes/fair.lua says how they fit together) ----

  /** The tenants with ready work of a function, scored by tenant virtual time. */
  public String ready(int shard, String function) {
    return prefix(shard) + "rdy:" + function;
  }

  /** A tenant's ready queues of a function, scored by queue virtual time. */
  public String tenantReady(int shard, String tenant, String function) {
    return prefix(shard) + "tfq:" + tenant + ":" + function;
  }

  /** The functions a tenant has ready queues of. */
  public String tenantFunctions(int shard, String tenant) {
    return prefix(shard) + "tfs:" + tenant;
  }

  /** Queues not due yet or held, and held tenant-functions, scored by when to look again. */
  public String timer(int shard) {
    return prefix(shard) + "due";
  }

  /** The set of queues held for lack of a slot. */
  public String holds(int shard) {
    return prefix(shard) + "hold";
  }

  /** A tenant's virtual time (expires after the retention). */
  public String tenantTime(int shard, String tenant) {
    return prefix(shard) + "vt:" + tenant;
  }

  /** The shard's system virtual time: where a tenant that becomes active starts. */
  public String systemTime(int shard) {
    return prefix(shard) + "vt";
  }

  /** Tenants' plans mirrored into the shard for the scheduler: tenant -> "weight,limit,paused". */
  public String plans(int shard) {
    return prefix(shard) + "plan";
  }

  /** Each function's measured cost per job (ms, an exponential average). */
  public String costs(int shard) {
    return prefix(shard) + "cost";
  }

  /** Each function's retry policy mirrored into the shard: function -> "base,factor,cap". */
  public String retryPolicies(int shard) {
    return prefix(shard) + "retry";
  }

  /** The paused functions mirrored into the shard for the scheduler (a set of names). */
  public String pausedFunctions(int shard) {
    return prefix(shard) + "paused";
  }

  // ---- jobs ----

  public String job(int shard, String jobId) {
    return prefix(shard) + "job:" + jobId;
  }

  public String inflight(int shard) {
    return prefix(shard) + "inflight";
  }

  public String deadLetters(int shard, String tenant) {
    return prefix(shard) + "dlq:" + tenant;
  }

  public String idempotency(int shard, String tenant, String idempotencyKey) {
    return prefix(shard) + "idem:" + tenant + ":" + sha256(idempotencyKey);
  }

  /**
   * The hash holding the retry keys of one producer call (field: the job's index; value: its
   * id). The token is 32 hex digits ({@link RetryKeys#parse} checked it), so it goes into the
   * name as it is; a hashed key's name ends in 64.
   */
  public String retryKeys(int shard, String tenant, RetryKeys.Parsed key) {
    return prefix(shard) + "idem:" + tenant + ":call:" + key.token();
  }

  /** The pub/sub channel on which finished watched jobs are announced. */
  public String doneChannel(int shard) {
    return prefix(shard) + "done";
  }

  /**
   * The pub/sub channel on which a shard announces work that idle engines may be sleeping past: a
   * function's ready set gaining its first tenant, or the timer an earlier head (lua/includes/fair.lua).
   */
  public String workChannel(int shard) {
    return prefix(shard) + "work";
  }

  /** The role lease of the scavenger for a shard. */
  public String scavengerRole(int shard) {
    return prefix(shard) + "role:scavenger";
  }

  // ---- concurrency keys (suffixes; the scripts prepend the shard prefix) ----

  /** In-flight jobs of a function across tenants. */
  public static String functionSlots(String function) {
    return "cc:f:" + function;
  }

  /** In-flight jobs of a function for one tenant. */
  public static String tenantFunctionSlots(String tenant, String function) {
    return "cc:tf:" + tenant + ":" + function;
  }

  /** In-flight jobs of a tenant across functions. */
  public static String tenantSlots(String tenant) {
    return "cc:tn:" + tenant;
  }

  /** In-flight jobs of a function with one value of a keyed limit. */
  public static String keySlots(String function, String keyName, String value) {
    return keySlotsByToken(function, keyName, token(value));
  }

  /** In-flight jobs of a function with one keyed-limit value, given as its key token. */
  public static String keySlotsByToken(String function, String keyName, String token) {
    return "cc:k:" + function + ":" + keyName + ":" + token;
  }

  /** The token of a queue's key value (the third part of its id), or null for an unkeyed queue. */
  public static String keyTokenOfQueue(String queueId) {
    int a = queueId.indexOf(':');
    int b = queueId.indexOf(':', a + 1);
    return b < 0 ? null : queueId.substring(b + 1);
  }

  /** A placeholder concurrency key that is never limited (scripts take a fixed number of keys). */
  public static final String NO_SLOTS = "cc:none";

  /** The full key of a concurrency-key suffix in a shard. */
  public String slots(int shard, String suffix) {
    return prefix(shard) + suffix;
  }

  /** The set of queues waiting for a slot of the concurrency key {@code suffix}. */
  public String waiting(int shard, String suffix) {
    return prefix(shard) + "wait:" + suffix;
  }

  // ---- the operator's counters (lua/includes/counts.lua) ----

  /** Jobs waiting in queues per {@code <tenant>:<function>}. */
  public String queuedCounts(int shard) {
    return prefix(shard) + "cnt:q";
  }

  /** Jobs running per {@code <tenant>:<function>}. */
  public String runningCounts(int shard) {
    return prefix(shard) + "cnt:r";
  }

  /** Dead jobs per {@code <tenant>:<function>}. */
  public String deadCounts(int shard) {
    return prefix(shard) + "cnt:d";
  }

  /**
   * The same counts summed per function: fields {@code q:<function>}, {@code r:<function>},
   * {@code d:<function>} (queued, running, dead).
   */
  public String functionCounts(int shard) {
    return prefix(shard) + "cnt:f";
  }

  /** Cost (ms) served per tenant in one 10 s bucket (bucket = epoch ms / 10,000). */
  public String served(int shard, long bucket) {
    return prefix(shard) + "srv:" + bucket;
  }

  /** Waits from enqueue to first start per tenant and histogram bin in one 10 s bucket. */
  public String waits(int shard, long bucket) {
    return prefix(shard) + "wt:" + bucket;
  }

  // ---- configuration (in the config shard) ----

  public String functionConfig(String function) {
    return prefix(CONFIG_SHARD) + "cfg:fn:" + Names.requireFunction(function);
  }

  public String functionNames() {
    return prefix(CONFIG_SHARD) + "cfg:functions";
  }

  public String tenantConfig(String tenant) {
    return prefix(CONFIG_SHARD) + "cfg:tenant:" + Names.requireTenant(tenant);
  }

  public String pausedFunctions() {
    return prefix(CONFIG_SHARD) + "cfg:paused-functions";
  }

  public String meta() {
    return prefix(CONFIG_SHARD) + "meta";
  }

  // ---- helpers ----

  /** A free-text value as it may appear in a key: verbatim when plain and short, else hashed. */
  public static String token(String value) {
    Objects.requireNonNull(value, "value");
    return Names.isPlain(value) ? value : "#" + sha256(value).substring(0, 32);
  }

  static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  static long fnv1a64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
