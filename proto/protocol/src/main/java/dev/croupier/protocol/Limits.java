package dev.croupier.protocol;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHeaders;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.FunctionRegistration;
import dev.croupier.proto.v1.LeaseRef;
import java.util.List;

/**
 * The most entries every repeated field or map of a request may hold, so that no single frame
 * makes a node do unbounded work (proto/README.md lists them). Nodes refuse a request over a
 * limit with {@code INVALID_REQUEST} naming the field, its count and the maximum; clients may
 * check before sending.
 */
public final class Limits {

  /** Most items in one {@code EnqueueBatch}. */
  public static final int MAX_ENQUEUE_BATCH_ITEMS = 10_000;
  /** Most concurrency-key values in one {@code EnqueueItem} (a function declares at most 4). */
  public static final int MAX_CONCURRENCY_KEYS = FunctionSpec.MAX_KEYED_LIMITS;
  /** Most leases in one {@code Heartbeat}: each costs the node up to two Redis commands. */
  public static final int MAX_HEARTBEAT_LEASES = 1_000;
  /**
   * Most completions in one {@code CompleteBatch} (each costs the node about one Redis command);
   * an empty one is refused too.
   */
  public static final int MAX_COMPLETE_BATCH = 1_000;
  /** Most jobs a node puts in one {@code DispatchBatch}. */
  public static final int MAX_DISPATCH_BATCH = 1_000;
  /**
   * Most bytes a node puts in one {@code DispatchBatch} frame; a job larger than that goes alone
   * as a plain {@code Dispatch}. A client that declares {@code accepts_dispatch_batch} must take
   * frames this large.
   */
  public static final int MAX_DISPATCH_BATCH_BYTES = 256 << 10;
  /** Most functions in one {@code RegisterFunctions}. */
  public static final int MAX_REGISTER_FUNCTIONS = 100;
  /** Most functions in one {@code UnregisterFunctions}. */
  public static final int MAX_UNREGISTER_FUNCTIONS = 100;
  /** Most functions in one {@code Credits}. */
  public static final int MAX_CREDIT_GRANTS = 100;
  /** Most keyed limits in one {@code FunctionSpec}. */
  public static final int MAX_KEYED_LIMITS = FunctionSpec.MAX_KEYED_LIMITS;
  /** Longest job id accepted anywhere a request names a job. */
  public static final int MAX_JOB_ID_LENGTH = 128;
  /** Longest lease token (the node's are 22 bytes; longer ones cannot match and are refused). */
  public static final int MAX_LEASE_TOKEN_BYTES = 64;
  /**
   * Most headers in one {@code EnqueueItem}; their names and sizes are checked as
   * {@link JobHeaders} says when the item becomes a request.
   */
  public static final int MAX_HEADERS = JobHeaders.MAX_HEADERS;
  /** Longest header name (characters of {@code A-Z a-z 0-9 . _ -}). */
  public static final int MAX_HEADER_NAME_LENGTH = JobHeaders.MAX_NAME_LENGTH;
  /** Longest header value, in bytes of UTF-8. */
  public static final int MAX_HEADER_VALUE_BYTES = JobHeaders.MAX_VALUE_BYTES;
  /** Most bytes of one item's header names and values together. */
  public static final int MAX_HEADERS_TOTAL_BYTES = JobHeaders.MAX_TOTAL_BYTES;
  /** Longest idempotency key. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = EnqueueOptions.MAX_IDEMPOTENCY_KEY_LENGTH;

  private Limits() {}

  /**
   * Why {@code request} is over a limit (naming the field, its count and the maximum), or null
   * when it is within every limit. Looks only at counts, never at Redis.
   */
  public static String violation(Envelope request) {
    return switch (request.getBodyCase()) {
      case ENQUEUE -> item(request.getEnqueue().getItem(), "Enqueue.item");
      case ENQUEUE_BATCH -> batch(request.getEnqueueBatch().getItemsList());
      case HEARTBEAT -> heartbeat(request.getHeartbeat().getLeasesList());
      case COMPLETE -> first(jobId("Complete.job_id", request.getComplete().getJobId()),
          leaseToken("Complete.lease_token", request.getComplete().getLeaseToken().size()));
      case COMPLETE_BATCH -> completeBatch(request.getCompleteBatch().getCompletesList());
      case REGISTER_FUNCTIONS -> register(request.getRegisterFunctions().getFunctionsList());
      case UNREGISTER_FUNCTIONS -> count("UnregisterFunctions.functions",
          request.getUnregisterFunctions().getFunctionsCount(), MAX_UNREGISTER_FUNCTIONS);
      case CREDITS -> count("Credits.grants", request.getCredits().getGrantsCount(),
          MAX_CREDIT_GRANTS);
      // admin and operations
      case GET_TENANT_STATS -> count("GetTenantStats.tenants", request.getGetTenantStats().getTenantsCount(),
          MAX_ADMIN_NAMES);
      case GET_FUNCTION_STATS -> count("GetFunctionStats.functions",
          request.getGetFunctionStats().getFunctionsCount(), MAX_ADMIN_NAMES);
      case REPLAY_DEAD_LETTERS -> count("ReplayDeadLetters.job_ids",
          request.getReplayDeadLetters().getJobIdsCount(), MAX_ADMIN_NAMES);
      case PURGE_DEAD_LETTERS -> count("PurgeDeadLetters.job_ids",
          request.getPurgeDeadLetters().getJobIdsCount(), MAX_ADMIN_NAMES);
      case EXPLAIN -> jobId("Explain.job_id", request.getExplain().getJobId());
      default -> null;
    };
  }

  /** Most tenants, functions or job ids one admin request may name. */
  public static final int MAX_ADMIN_NAMES = 1000;

  private static String heartbeat(List<LeaseRef> leases) {
    String v = count("Heartbeat.leases", leases.size(), MAX_HEARTBEAT_LEASES);
    for (int i = 0; v == null && i < leases.size(); i++) {
      v = first(jobId("Heartbeat.leases[" + i + "].job_id", leases.get(i).getJobId()),
          leaseToken("Heartbeat.leases[" + i + "].lease_token", leases.get(i).getLeaseToken().size()));
    }
    return v;
  }

  private static String completeBatch(List<Complete> completes) {
    if (completes.isEmpty()) {
      return "CompleteBatch.completes is empty; send at least one completion";
    }
    String v = count("CompleteBatch.completes", completes.size(), MAX_COMPLETE_BATCH);
    for (int i = 0; v == null && i < completes.size(); i++) {
      v = first(jobId("CompleteBatch.completes[" + i + "].job_id", completes.get(i).getJobId()),
          leaseToken("CompleteBatch.completes[" + i + "].lease_token",
              completes.get(i).getLeaseToken().size()));
    }
    return v;
  }

  private static String leaseToken(String field, int bytes) {
    return bytes <= MAX_LEASE_TOKEN_BYTES ? null
        : field + " has " + bytes + " bytes; at most " + MAX_LEASE_TOKEN_BYTES + " are accepted";
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static String jobId(String field, String id) {
    return id.length() <= MAX_JOB_ID_LENGTH ? null
        : field + " has " + id.length() + " characters; at most " + MAX_JOB_ID_LENGTH
            + " are accepted";
  }

  private static String batch(List<EnqueueItem> items) {
    String v = count("EnqueueBatch.items", items.size(), MAX_ENQUEUE_BATCH_ITEMS);
    for (int i = 0; v == null && i < items.size(); i++) {
      v = item(items.get(i), "EnqueueBatch.items[" + i + "]");
    }
    return v;
  }

  private static String item(EnqueueItem item, String where) {
    String v = count(where + ".concurrency_keys", item.getConcurrencyKeysCount(), MAX_CONCURRENCY_KEYS);
    return v != null ? v : count(where + ".headers", item.getHeadersCount(), MAX_HEADERS);
  }

  private static String register(List<FunctionRegistration> functions) {
    String v = count("RegisterFunctions.functions", functions.size(), MAX_REGISTER_FUNCTIONS);
    for (int i = 0; v == null && i < functions.size(); i++) {
      v = count("RegisterFunctions.functions[" + i + "].spec.keyed_limits",
          functions.get(i).getSpec().getKeyedLimitsCount(), MAX_KEYED_LIMITS);
    }
    return v;
  }

  private static String count(String field, int count, int max) {
    return count <= max ? null
        : field + " holds " + count + " entries; at most " + max + " are accepted";
  }
}
