package dev.croupier.testing;

import dev.croupier.engine.internal.keys.KeySchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Checks a namespace's tiered index and job bookkeeping against the queues' contents, the way
 * Caffeine's tests validate a cache's internal structure after every test.
 *
 * <p>What must hold, per shard: every non-empty queue {@code q:<qid>} is in its tenant's
 * {@code tq:<tenant>} at its earliest job score, unless a capacity hold ({@code hold}) or a live
 * partition lease ({@code lease:<qid>}) explains a later one; no index entry names an empty queue; each tenant's
 * score in {@code tenants} is the minimum of its {@code tq}, and no tenant without queues is listed;
 * every job is in exactly the places its state says (queued/failed: its own queue; running:
 * {@code inflight} and each limited concurrency key it took, its {@code lc} field; dead: its
 * tenant's dead-letter queue; finished: nowhere), so no job is in two of {queue, inflight, dead
 * letters}; and every member of those sets
 * is a job in the matching state.
 *
 * <p>Reads are not atomic (SCAN, then one read per key): call it while no engine on the namespace
 * is claiming, completing or enqueueing, e.g. after a test's engines are closed or between the
 * steps of a test that drives claims itself.
 */
public final class IndexInvariants {

  private IndexInvariants() {}

  /** Throws an {@link AssertionError} listing every violation in {@code namespace}, if any. */
  public static void check(UnifiedJedis redis, String namespace, int shards) {
    List<String> found = violations(redis, namespace, shards);
    if (!found.isEmpty()) {
      throw new AssertionError(found.size() + " index invariant violation(s) in namespace '" + namespace
          + "':\n  " + String.join("\n  ", found));
    }
  }

  /** Every violation in {@code namespace}, described; empty when the index is consistent. */
  public static List<String> violations(UnifiedJedis redis, String namespace, int shards) {
    Objects.requireNonNull(redis, "redis");
    KeySchema keys = new KeySchema(namespace, shards);
    List<String> out = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      new Shard(redis, keys, shard, out).check();
    }
    return out;
  }

  /** One shard's keys, read once, then checked. */
  private static final class Shard {
    private final UnifiedJedis redis;
    private final KeySchema keys;
    private final int shard;
    private final List<String> out;

    private final Map<String, List<Tuple>> queues = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> tenantQueues = new LinkedHashMap<>();
    private final Map<String, Set<String>> deadLetters = new LinkedHashMap<>();
    private final Map<String, Set<String>> slots = new LinkedHashMap<>();
    private final Set<String> leased = new HashSet<>();
    private final Set<String> jobIds = new HashSet<>();
    private Map<String, Double> tenantIndex;
    private Map<String, Double> holds;
    private Map<String, Double> inflight;

    Shard(UnifiedJedis redis, KeySchema keys, int shard, List<String> out) {
      this.redis = redis;
      this.keys = keys;
      this.shard = shard;
      this.out = out;
    }

    void check() {
      load();
      checkQueues();
      checkIndexEntries();
      checkTenants();
      checkJobs();
    }

    private void load() {
      String q = keys.queue(shard, "");
      String tq = keys.tenantQueues(shard, "");
      String dlq = keys.deadLetters(shard, "");
      String job = keys.job(shard, "");
      String lease = keys.partitionLease(shard, "");
      String cc = keys.slots(shard, "cc:");
      for (String key : scan(keys.prefix(shard))) {
        if (key.startsWith(q)) {
          queues.put(key.substring(q.length()), redis.zrangeWithScores(key, 0, -1));
        } else if (key.startsWith(tq)) {
          tenantQueues.put(key.substring(tq.length()), scores(key));
        } else if (key.startsWith(dlq)) {
          deadLetters.put(key.substring(dlq.length()), scores(key).keySet());
        } else if (key.startsWith(job)) {
          jobIds.add(key.substring(job.length()));
        } else if (key.startsWith(lease)) {
          leased.add(key.substring(lease.length()));
        } else if (key.startsWith(cc)) {
          slots.put(key.substring(keys.prefix(shard).length()), scores(key).keySet());
        }
      }
      tenantIndex = scores(keys.tenants(shard));
      holds = scores(keys.holds(shard));
      inflight = scores(keys.inflight(shard));
    }

    /** Each non-empty queue is indexed in tq at its earliest score (or an explained later one). */
    private void checkQueues() {
      queues.forEach((qid, jobs) -> {
        double earliest = jobs.get(0).getScore();
        String tenant = KeySchema.tenantOfQueue(qid);
        Double inTenant = tenantQueues.getOrDefault(tenant, Map.of()).get(qid);
        if (inTenant == null) {
          fail("queue %s has %d job(s) (earliest %s) but is missing from tq:%s", qid, jobs.size(), n(earliest), tenant);
        } else if (!explained(qid, inTenant, earliest)) {
          fail("queue %s is indexed at %s but its earliest job is at %s (hold %s, leased %s)", qid, n(inTenant),
              n(earliest), holds.containsKey(qid) ? n(holds.get(qid)) : "none", leased.contains(qid));
        }
      });
    }

    private boolean explained(String qid, double score, double earliest) {
      if (score == earliest || leased.contains(qid)) {
        return true; // a lease holder's release reindexes the queue, whatever it holds meanwhile
      }
      // A capacity hold raises the score to the hold's end. Once the hold has lapsed, an enqueue
      // lowers the score only to the new job's (index.lua lowerQueue), so anything between the
      // earliest job and the hold is explained until the queue's next claim reindexes it.
      Double hold = holds.get(qid);
      return hold != null && score > earliest && score <= hold;
    }

    /** No tq or hold entry names an empty or missing queue. */
    private void checkIndexEntries() {
      tenantQueues.forEach((tenant, entries) -> entries.forEach((qid, score) -> {
        if (!queues.containsKey(qid)) {
          fail("tq:%s lists queue %s (score %s) but that queue is empty", tenant, qid, n(score));
        } else if (!KeySchema.tenantOfQueue(qid).equals(tenant)) {
          fail("tq:%s lists queue %s of another tenant", tenant, qid);
        }
      }));
      holds.forEach((qid, score) -> {
        if (!queues.containsKey(qid)) {
          fail("hold lists queue %s (until %s) but that queue is empty", qid, n(score));
        }
      });
    }

    /** Each tenant's score is the minimum of its tq; no tenant without queues is listed. */
    private void checkTenants() {
      tenantQueues.forEach((tenant, entries) -> {
        double min = entries.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        Double score = tenantIndex.get(tenant);
        if (score == null) {
          fail("tenant %s has %d indexed queue(s) (earliest %s) but is missing from tenants", tenant,
              entries.size(), n(min));
        } else if (score != min) {
          fail("tenant %s is at %s in tenants but the minimum of tq:%s is %s", tenant, n(score), tenant, n(min));
        }
      });
      tenantIndex.forEach((tenant, score) -> {
        if (!tenantQueues.containsKey(tenant)) {
          fail("tenants lists %s (score %s) but tq:%s is empty", tenant, n(score), tenant);
        }
      });
    }

    /** Every job is where its state says, and only there; every listed id is a job in that state. */
    private void checkJobs() {
      Map<String, List<String>> places = new HashMap<>();
      queues.forEach((qid, jobs) -> jobs.forEach(t -> place(places, t.getElement(), "q:" + qid)));
      inflight.keySet().forEach(id -> place(places, id, "inflight"));
      deadLetters.forEach((tenant, ids) -> ids.forEach(id -> place(places, id, "dlq:" + tenant)));
      Set<String> all = new HashSet<>(jobIds);
      all.addAll(places.keySet());
      for (String id : all) {
        List<String> at = places.getOrDefault(id, List.of());
        if (at.size() > 1) {
          fail("job %s is in %s at once", id, at);
        }
        Map<String, String> h = jobIds.contains(id) ? job(id) : Map.of();
        String st = h.get("st");
        if (st == null) {
          fail("%s lists job %s, which has no job hash", at, id);
          continue;
        }
        String expected = switch (st) {
          case "queued", "failed" -> "q:" + h.get("q");
          case "running" -> "inflight";
          case "dead" -> "dlq:" + h.get("t");
          default -> null; // succeeded, cancelled: only a status record
        };
        List<String> want = expected == null ? List.of() : List.of(expected);
        if (!at.equals(want)) {
          fail("job %s is %s but is in %s (expected %s)", id, st, at, want);
        }
        checkSlots(id, st, h.get("lc"));
      }
      slots.forEach((suffix, ids) -> ids.forEach(id -> {
        String st = jobIds.contains(id) ? job(id).get("st") : null;
        if (!"running".equals(st)) {
          fail("concurrency key %s holds job %s, which is %s", suffix, id, st == null ? "missing" : st);
        }
      }));
    }

    /** A running job is in each limited concurrency key it took at lease time ({@code lc}). */
    private void checkSlots(String id, String st, String held) {
      if (!"running".equals(st) || held == null) {
        return;
      }
      for (String suffix : held.split("\n")) {
        if (!suffix.isEmpty() && !slots.getOrDefault(suffix, Set.of()).contains(id)) {
          fail("running job %s is missing from its concurrency key %s", id, suffix);
        }
      }
    }

    private static void place(Map<String, List<String>> places, String id, String where) {
      places.computeIfAbsent(id, k -> new ArrayList<>()).add(where);
    }

    private final Map<String, Map<String, String>> jobCache = new HashMap<>();

    private Map<String, String> job(String id) {
      return jobCache.computeIfAbsent(id, k -> {
        List<String> v = redis.hmget(keys.job(shard, k), "st", "t", "q", "lc");
        Map<String, String> m = new HashMap<>();
        String[] names = {"st", "t", "q", "lc"};
        for (int i = 0; i < names.length; i++) {
          if (v.get(i) != null) {
            m.put(names[i], v.get(i));
          }
        }
        return m;
      });
    }

    private Map<String, Double> scores(String key) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (Tuple t : redis.zrangeWithScores(key, 0, -1)) {
        m.put(t.getElement(), t.getScore());
      }
      return m;
    }

    private List<String> scan(String prefix) {
      List<String> found = new ArrayList<>();
      ScanParams params = new ScanParams().match(glob(prefix) + "*").count(1000);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, params);
        found.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      return found;
    }

    private void fail(String format, Object... args) {
      out.add("shard " + shard + ": " + String.format(format, args));
    }

    private static String n(double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
  }

  /** {@code s} with glob metacharacters escaped, for SCAN MATCH. */
  static String glob(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
