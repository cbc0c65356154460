package dev.croupier.testing;

import dev.croupier.engine.internal.keys.JobIds;
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
 * <p>What must hold, per shard (see {@code lua/includes/fair.lua}): every non-empty queue
 * {@code q:<qid>} is filed exactly once, either among its tenant-function's ready queues
 * ({@code tfq:<tenant>:<function>}) or in the timer ({@code due}); a held queue ({@code hold}) is in
 * the timer; no ready set or timer entry names an empty queue or another tenant's; a tenant is in
 * {@code rdy:<function>} exactly when it has ready queues of that function and is not held for it
 * (a {@code ~tenant:function} timer entry), and {@code tfs:<tenant>} lists exactly those functions;
 * every job is in exactly the places its state says (queued/failed: its own queue; running:
 * {@code inflight} and each limited concurrency key it took, its {@code lc} field; dead: its
 * tenant's dead-letter queue; finished: nowhere), so no job is in two of {queue, inflight, dead
 * letters}; and every member of those sets
 * is a job in the matching state; and the operator's counters ({@code cnt:q}, {@code cnt:r},
 * {@code cnt:d}, see {@code lua/includes/counts.lua}) hold, per tenant-function, exactly the jobs
 * queued, running and dead, and their per-function totals ({@code cnt:f}) the same summed over
 * tenants.
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

    /** Each queue's jobs: its sorted set's, then its list's (scored by their id's time). */
    private final Map<String, List<Tuple>> queues = new LinkedHashMap<>();
    /** Cancelled jobs still in a queue's list (qx:), per queue. */
    private final Map<String, Set<String>> cancelled = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> tenantReady = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> ready = new LinkedHashMap<>();
    private final Map<String, Set<String>> tenantFunctions = new LinkedHashMap<>();
    private final Map<String, Set<String>> deadLetters = new LinkedHashMap<>();
    private final Map<String, Set<String>> slots = new LinkedHashMap<>();
    private final Set<String> jobIds = new HashSet<>();
    private Map<String, Double> timer;
    private Set<String> holds;
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
      checkEntries();
      checkTenants();
      checkJobs();
      checkCounters();
    }

    /** The operator's counters match the jobs, per tenant-function (a missing field is 0). */
    private void checkCounters() {
      Map<String, long[]> want = new java.util.TreeMap<>();
      queues.forEach((qid, jobs) -> want.computeIfAbsent(tf(qid), k -> new long[3])[0] +=
          jobs.size() - cancelled.getOrDefault(qid, Set.of()).size());
      inflight.keySet().forEach(id -> {
        Map<String, String> h = jobIds.contains(id) ? job(id) : Map.of();
        if ("running".equals(h.get("st"))) {
          want.computeIfAbsent(tf(h.get("q")), k -> new long[3])[1]++;
        }
      });
      deadLetters.forEach((tenant, ids) -> ids.forEach(id -> {
        Map<String, String> h = jobIds.contains(id) ? job(id) : Map.of();
        if (h.get("q") != null) {
          want.computeIfAbsent(tf(h.get("q")), k -> new long[3])[2]++;
        }
      }));
      String[] names = {"queued (cnt:q)", "running (cnt:r)", "dead (cnt:d)"};
      List<Map<String, String>> have = List.of(redis.hgetAll(keys.queuedCounts(shard)),
          redis.hgetAll(keys.runningCounts(shard)), redis.hgetAll(keys.deadCounts(shard)));
      Set<String> fields = new java.util.TreeSet<>(want.keySet());
      have.forEach(h -> fields.addAll(h.keySet()));
      for (String tf : fields) {
        long[] w = want.getOrDefault(tf, new long[3]);
        for (int i = 0; i < 3; i++) {
          long got = Long.parseLong(have.get(i).getOrDefault(tf, "0"));
          if (got != w[i]) {
            fail("counter %s of %s is %d but %d job(s) are", names[i], tf, got, w[i]);
          }
        }
      }
      // The per-function totals (cnt:f) are the same counts summed over tenants.
      Map<String, Long> totals = new java.util.TreeMap<>();
      want.forEach((tf, w) -> {
        String fn = tf.substring(tf.indexOf(':') + 1);
        for (int i = 0; i < 3; i++) {
          if (w[i] > 0) {
            totals.merge("qrd".charAt(i) + ":" + fn, w[i], Long::sum);
          }
        }
      });
      Map<String, String> stored = redis.hgetAll(keys.functionCounts(shard));
      Set<String> totalFields = new java.util.TreeSet<>(totals.keySet());
      totalFields.addAll(stored.keySet());
      for (String field : totalFields) {
        long got = Long.parseLong(stored.getOrDefault(field, "0"));
        long w = totals.getOrDefault(field, 0L);
        if (got != w) {
          fail("function total %s (cnt:f) is %d but %d job(s) are", field, got, w);
        }
      }
    }

    private static String tf(String qid) {
      return KeySchema.tenantOfQueue(qid) + ":" + KeySchema.functionOfQueue(qid);
    }

    private void load() {
      String q = keys.queue(shard, "");
      String ql = keys.queueList(shard, "");
      String qx = keys.queueCancelled(shard, "");
      String tfq = keys.tenantReady(shard, "", "").replaceAll(":$", "");
      String rdy = keys.ready(shard, "");
      String tfs = keys.tenantFunctions(shard, "");
      String dlq = keys.deadLetters(shard, "");
      String job = keys.job(shard, "");
      String cc = keys.slots(shard, "cc:");
      for (String key : scan(keys.prefix(shard))) {
        if (key.startsWith(q)) {
          queues.computeIfAbsent(key.substring(q.length()), k -> new ArrayList<>())
              .addAll(0, redis.zrangeWithScores(key, 0, -1));
        } else if (key.startsWith(ql)) {
          List<Tuple> jobs = queues.computeIfAbsent(key.substring(ql.length()), k -> new ArrayList<>());
          for (String id : redis.lrange(key, 0, -1)) {
            jobs.add(new Tuple(id, (double) JobIds.timeOf(id)));
          }
        } else if (key.startsWith(qx)) {
          cancelled.put(key.substring(qx.length()), redis.smembers(key));
        } else if (key.startsWith(tfq)) {
          tenantReady.put(key.substring(tfq.length()), scores(key)); // "tenant:function"
        } else if (key.startsWith(rdy)) {
          ready.put(key.substring(rdy.length()), scores(key));
        } else if (key.startsWith(tfs)) {
          tenantFunctions.put(key.substring(tfs.length()), redis.smembers(key));
        } else if (key.startsWith(dlq)) {
          deadLetters.put(key.substring(dlq.length()), scores(key).keySet());
        } else if (key.startsWith(job)) {
          jobIds.add(key.substring(job.length()));
        } else if (key.startsWith(cc)) {
          slots.put(key.substring(keys.prefix(shard).length()), scores(key).keySet());
        }
      }
      timer = scores(keys.timer(shard));
      holds = redis.smembers(keys.holds(shard));
      inflight = scores(keys.inflight(shard));
    }

    /** Each non-empty queue is filed once: ready, or in the timer. */
    private void checkQueues() {
      queues.forEach((qid, jobs) -> {
        String tf = KeySchema.tenantOfQueue(qid) + ":" + KeySchema.functionOfQueue(qid);
        boolean isReady = tenantReady.getOrDefault(tf, Map.of()).containsKey(qid);
        boolean timed = timer.containsKey(qid);
        if (isReady == timed) {
          fail("queue %s has %d job(s) (earliest %s) but is %s", qid, jobs.size(), n(jobs.get(0).getScore()),
              isReady ? "both ready and in the timer" : "neither ready nor in the timer");
        }
      });
    }

    /** No ready, timer or hold entry names an empty queue, or a queue of another tenant-function. */
    private void checkEntries() {
      tenantReady.forEach((tf, entries) -> entries.keySet().forEach(qid -> {
        if (!queues.containsKey(qid)) {
          fail("tfq:%s lists queue %s, which is empty", tf, qid);
        } else if (!(KeySchema.tenantOfQueue(qid) + ":" + KeySchema.functionOfQueue(qid)).equals(tf)) {
          fail("tfq:%s lists queue %s of another tenant or function", tf, qid);
        }
      }));
      timer.forEach((entry, at) -> {
        if (!entry.startsWith("~") && !queues.containsKey(entry)) {
          fail("the timer lists queue %s (at %s), which is empty", entry, n(at));
        }
      });
      holds.forEach(qid -> {
        if (!timer.containsKey(qid)) {
          fail("queue %s is held but not in the timer", qid);
        }
      });
    }

    /** A tenant is ready for a function exactly when it has ready queues of it and is not held. */
    private void checkTenants() {
      tenantReady.forEach((tf, entries) -> {
        String tenant = tf.substring(0, tf.indexOf(':'));
        String function = tf.substring(tf.indexOf(':') + 1);
        boolean isReady = ready.getOrDefault(function, Map.of()).containsKey(tenant);
        boolean held = timer.containsKey("~" + tf);
        if (isReady == held) {
          fail("tenant %s has %d ready queue(s) of %s but is %s", tenant, entries.size(), function,
              isReady ? "both ready and held" : "neither ready nor held");
        }
      });
      ready.forEach((function, tenants) -> tenants.keySet().forEach(tenant -> {
        if (!tenantReady.containsKey(tenant + ":" + function)) {
          fail("rdy:%s lists tenant %s, which has no ready queue of it", function, tenant);
        }
        if (!tenantFunctions.getOrDefault(tenant, Set.of()).contains(function)) {
          fail("tenant %s is ready for %s but tfs:%s does not list it", tenant, function, tenant);
        }
      }));
      tenantFunctions.forEach((tenant, functions) -> functions.forEach(function -> {
        if (!ready.getOrDefault(function, Map.of()).containsKey(tenant)) {
          fail("tfs:%s lists %s, but the tenant is not ready for it", tenant, function);
        }
      }));
    }

    /** Every job is where its state says, and only there; every listed id is a job in that state. */
    private void checkJobs() {
      Map<String, List<String>> places = new HashMap<>();
      queues.forEach((qid, jobs) -> jobs.forEach(t -> {
        if (!cancelled.getOrDefault(qid, Set.of()).contains(t.getElement())) {
          place(places, t.getElement(), "q:" + qid);
        }
      }));
      // A cancelled job may stay in its queue's list until a claim reaches it: only there, and
      // only while it is cancelled (or its status record expired).
      cancelled.forEach((qid, ids) -> ids.forEach(id -> {
        if (queues.getOrDefault(qid, List.of()).stream().noneMatch(t -> t.getElement().equals(id))) {
          fail("qx:%s marks job %s cancelled, but it is not in the queue's list", qid, id);
        }
        String st = jobIds.contains(id) ? job(id).get("st") : null;
        if (st != null && !st.equals("cancelled")) {
          fail("qx:%s marks job %s cancelled, but it is %s", qid, id, st);
        }
      }));
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
          case "dead" -> "dlq:" + KeySchema.tenantOfQueue(h.get("q"));
          default -> null; // succeeded, cancelled: only a status record (and see qx: above)
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
        List<String> v = redis.hmget(keys.job(shard, k), "st", "q", "lc");
        Map<String, String> m = new HashMap<>();
        String[] names = {"st", "q", "lc"};
        for (int i = 0; i < names.length; i++) {
          if (v.get(i) != null) {
            m.put(names[i], v.get(i));
          }
        }
        if (m.containsKey("q")) {
          m.putIfAbsent("st", "queued"); // a queued job's record is compact: no state field
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
