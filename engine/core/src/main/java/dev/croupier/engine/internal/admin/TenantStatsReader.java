package dev.croupier.engine.internal.admin;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.FairnessMode;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.HashPages;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Answers {@code tenantStats}. Cost per request, per shard: the counters (one field per
 * tenant-function with work), the plans and the six served-cost buckets (one field per tenant
 * served in the last minute), read in HSCAN pages so no command holds Redis however many tenants
 * there are; the sort and the shares are computed here. Only the page's tenants then get the
 * finer reads (due vs delayed, dead letters, the wait histogram): nothing walks jobs.
 */
public final class TenantStatsReader {

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final EngineOptions options;

  /** A reader over {@code redis}. */
  public TenantStatsReader(UnifiedJedis redis, KeySchema keys, EngineOptions options) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** What the counters say about one tenant, summed over its functions and shards. */
  private static final class Totals {
    final String tenant;
    long queued;
    long running;
    long served;
    TenantConfig config;
    final Set<String> functions = new LinkedHashSet<>();

    Totals(String tenant) {
      this.tenant = tenant;
    }

    double weightShare;
    double servedShare;
  }

  /** One page of tenants' stats. */
  public StatsPage<TenantStats> read(TenantStatsQuery query) {
    long now = options.clock().millis();
    Map<String, Totals> all = totals(now);
    if (!query.tenants().isEmpty()) {
      for (String t : query.tenants()) {
        all.computeIfAbsent(t, Totals::new);
      }
    }
    shares(all);
    List<Totals> listed = new ArrayList<>();
    for (Totals t : all.values()) {
      if (query.tenants().isEmpty() || query.tenants().contains(t.tenant)) {
        if (t.config == null) {
          t.config = TenantConfig.defaults(t.tenant);
        }
        listed.add(t);
      }
    }
    Comparator<Totals> byName = Comparator.comparing(t -> t.tenant);
    listed.sort(switch (query.sort()) {
      case BY_NAME -> byName;
      case BY_BACKLOG -> Comparator.<Totals>comparingLong(t -> -t.queued).thenComparing(byName);
      case BY_SHARE_DEFICIT -> Comparator.<Totals>comparingDouble(t -> -(t.weightShare - t.servedShare))
          .thenComparing(byName);
    });
    int from = start(query, listed);
    int to = Math.min(listed.size(), from + query.limit());
    List<Totals> page = listed.subList(from, to);
    String next = to >= listed.size() ? null
        : query.sort() == TenantStatsQuery.Sort.BY_NAME ? "n:" + listed.get(to - 1).tenant : "o:" + to;
    return new StatsPage<>(details(page, now), next, listed.size());
  }

  private static int start(TenantStatsQuery query, List<Totals> listed) {
    String c = query.cursor();
    if (c == null) {
      return 0;
    }
    if (c.startsWith("o:") && query.sort() != TenantStatsQuery.Sort.BY_NAME) {
      try {
        int offset = Integer.parseInt(c.substring(2));
        if (offset >= 0) {
          return Math.min(offset, listed.size());
        }
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    } else if (c.startsWith("n:") && query.sort() == TenantStatsQuery.Sort.BY_NAME) {
      String after = c.substring(2);
      int i = 0;
      while (i < listed.size() && listed.get(i).tenant.compareTo(after) <= 0) {
        i++;
      }
      return i;
    }
    throw new InvalidRequestException("cursor '" + c + "' does not come from a " + query.sort()
        + " listing; pass the nextCursor of the previous page, or none for the first page");
  }

  /** Every tenant that has work, dead letters, a plan, or was served in the window. */
  private Map<String, Totals> totals(long now) {
    Map<String, Totals> all = new TreeMap<>();
    long bucket = StatsWindow.bucket(now);
    String doing = "reading tenant counters";
    for (int shard = 0; shard < keys.shards(); shard++) {
      HashPages.forEach(redis, keys.queuedCounts(shard), doing,
          (field, n) -> byField(all, field).queued += Long.parseLong(n));
      HashPages.forEach(redis, keys.runningCounts(shard), doing,
          (field, n) -> byField(all, field).running += Long.parseLong(n));
      HashPages.forEach(redis, keys.deadCounts(shard), doing, (field, n) -> byField(all, field));
      HashPages.forEach(redis, keys.plans(shard), doing,
          (tenant, plan) -> all.computeIfAbsent(tenant, Totals::new).config = plan(tenant, plan));
      for (int i = 0; i < StatsWindow.WINDOW_BUCKETS; i++) {
        HashPages.forEach(redis, keys.served(shard, bucket - i), doing,
            (tenant, ms) -> all.computeIfAbsent(tenant, Totals::new).served += Long.parseLong(ms));
      }
    }
    return all;
  }

  private static Totals byField(Map<String, Totals> all, String field) {
    int colon = field.indexOf(':');
    Totals t = all.computeIfAbsent(field.substring(0, colon), Totals::new);
    t.functions.add(field.substring(colon + 1));
    return t;
  }

  /** A plan as the scheduler's mirror holds it: "weight,limit,paused". */
  static TenantConfig plan(String tenant, String plan) {
    String[] parts = plan.split(",");
    return new TenantConfig(tenant, Double.parseDouble(parts[0]), Integer.parseInt(parts[1]), "1".equals(parts[2]));
  }

  /**
   * Served share: the tenant's part of all cost served in the window. Weight share: its weight
   * over the weights of the tenants active in the window (work queued or running now, or served).
   * Shares are over every tenant, also when the query names a few.
   */
  private void shares(Map<String, Totals> all) {
    boolean weighted = options.fairness() == FairnessMode.WEIGHTED;
    double servedTotal = 0;
    double weightTotal = 0;
    for (Totals t : all.values()) {
      servedTotal += t.served;
      if (active(t)) {
        weightTotal += weighted && t.config != null ? t.config.weight() : 1.0;
      }
    }
    for (Totals t : all.values()) {
      t.servedShare = servedTotal == 0 ? 0 : t.served / servedTotal;
      t.weightShare = !active(t) || weightTotal == 0 ? 0
          : (weighted && t.config != null ? t.config.weight() : 1.0) / weightTotal;
    }
  }

  private static boolean active(Totals t) {
    return t.queued > 0 || t.running > 0 || t.served > 0;
  }

  /** The page's finer numbers: due vs delayed, dead letters, waits. */
  private List<TenantStats> details(List<Totals> page, long now) {
    Map<Integer, List<Totals>> byShard = new HashMap<>();
    for (Totals t : page) {
      byShard.computeIfAbsent(keys.shardOf(t.tenant), s -> new ArrayList<>()).add(t);
    }
    Map<String, long[]> numbers = new HashMap<>(); // tenant -> {due, dead}
    Map<String, long[]> histograms = new HashMap<>();
    byShard.forEach((shard, tenants) -> readShard(shard, tenants, now, numbers, histograms));
    List<TenantStats> out = new ArrayList<>(page.size());
    for (Totals t : page) {
      long[] n = numbers.get(t.tenant);
      long due = Math.min(n[0], t.queued);
      long[] h = histograms.get(t.tenant);
      out.add(new TenantStats(t.config, t.queued, due, t.queued - due, t.running, n[1], t.servedShare,
          t.weightShare, StatsWindow.quantile(h, 0.5), StatsWindow.quantile(h, 0.99)));
    }
    return out;
  }

  /**
   * For the page's tenants of one shard: the jobs due now (every non-empty queue is in its
   * tenant-function's ready set, held, or in the timer; a queue in the timer whose time has not
   * come has no due job), the dead letters, and the wait histogram of the window.
   */
  private void readShard(int shard, List<Totals> tenants, long now, Map<String, long[]> numbers,
      Map<String, long[]> histograms) {
    long bucket = StatsWindow.bucket(now);
    Map<String, List<Response<List<String>>>> ready = new HashMap<>();
    Map<String, Response<Long>> dead = new HashMap<>();
    Response<Set<String>> holds;
    Response<List<String>> dueTimer;
    List<Response<List<String>>> waits = new ArrayList<>();
    List<String> waitFields = new ArrayList<>();
    for (Totals t : tenants) {
      for (int bin = 0; bin < StatsWindow.BINS; bin++) {
        waitFields.add(t.tenant + "|" + bin);
      }
    }
    try (AbstractPipeline p = redis.pipelined()) {
      for (Totals t : tenants) {
        List<Response<List<String>>> rs = new ArrayList<>();
        for (String fn : t.functions) {
          rs.add(p.zrange(keys.tenantReady(shard, t.tenant, fn), 0, -1));
        }
        ready.put(t.tenant, rs);
        dead.put(t.tenant, p.zcard(keys.deadLetters(shard, t.tenant)));
      }
      holds = p.smembers(keys.holds(shard));
      dueTimer = p.zrangeByScore(keys.timer(shard), Double.NEGATIVE_INFINITY, now);
      String[] fields = waitFields.toArray(String[]::new);
      for (int i = 0; i < StatsWindow.WINDOW_BUCKETS; i++) {
        waits.add(p.hmget(keys.waits(shard, bucket - i), fields));
      }
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("reading tenant details", e);
    }
    Map<String, Set<String>> queues = new HashMap<>();
    for (Totals t : tenants) {
      Set<String> qs = new HashSet<>();
      for (String fn : t.functions) {
        qs.add(t.tenant + ":" + fn); // an unkeyed queue, wherever it is filed
      }
      ready.get(t.tenant).forEach(r -> qs.addAll(r.get()));
      queues.put(t.tenant, qs);
    }
    List<String> timed = new ArrayList<>(holds.get());
    timed.addAll(dueTimer.get());
    for (String qid : timed) {
      if (!qid.startsWith("~")) {
        Set<String> qs = queues.get(KeySchema.tenantOfQueue(qid));
        if (qs != null) {
          qs.add(qid);
        }
      }
    }
    Map<String, List<Response<Long>>> counts = new HashMap<>();
    try (AbstractPipeline p = redis.pipelined()) {
      queues.forEach((tenant, qs) -> {
        List<Response<Long>> rs = new ArrayList<>();
        for (String qid : qs) {
          // Due: in the sorted set up to now, and the whole list (its jobs are due) less the
          // cancelled ones a claim has not dropped yet.
          rs.add(p.zcount(keys.queue(shard, qid), Double.NEGATIVE_INFINITY, now));
          rs.add(p.llen(keys.queueList(shard, qid)));
          rs.add(p.scard(keys.queueCancelled(shard, qid)));
        }
        counts.put(tenant, rs);
      });
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("counting due jobs", e);
    }
    for (Totals t : tenants) {
      long due = 0;
      List<Response<Long>> rs = counts.get(t.tenant);
      for (int i = 0; i < rs.size(); i += 3) {
        due += rs.get(i).get() + rs.get(i + 1).get() - rs.get(i + 2).get();
      }
      numbers.put(t.tenant, new long[] {due, dead.get(t.tenant).get()});
      histograms.put(t.tenant, new long[StatsWindow.BINS]);
    }
    for (Response<List<String>> r : waits) {
      List<String> values = r.get();
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        if (v != null) {
          Totals t = tenants.get(i / StatsWindow.BINS);
          histograms.get(t.tenant)[i % StatsWindow.BINS] += Long.parseLong(v);
        }
      }
    }
  }
}
