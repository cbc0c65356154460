package dev.croupier.engine.internal.metrics;

import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.HashPages;
import dev.croupier.engine.internal.redis.RedisErrors;
import dev.croupier.engine.metrics.TenantTags;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The backlog and running gauges ({@code croupier.jobs.backlog}, {@code croupier.jobs.running}),
 * per function, and per tenant when {@link TenantTags} are enabled. A scrape never touches
 * Redis: {@link #refresh()}, run every few seconds by the engine, reads the operator's counters
 * of every shard and the gauges show the last reading. Per function it reads the scripts'
 * per-function totals ({@code cnt:f}): one small hash per shard, whatever the tenants. Only with
 * tenant tags does it read the per-tenant-function counts ({@code cnt:q}, {@code cnt:r}), page by
 * page with HSCAN, so no single command's cost grows with the tenants (a census script did: at
 * 1,000,000 queues it held Redis for seconds); that read grows with them, which is why the tag is
 * opt-in and capped. The figures are the whole namespace's, so every engine
 * on it reports the same values: aggregate them across nodes with {@code max}, not {@code sum}.
 */
public final class QueueGauges implements Runnable {

  /** How often an engine takes the census. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final Supplier<? extends Iterable<String>> functions;
  private final TenantTags tenants;
  private final MultiGauge backlog;
  private final MultiGauge running;
  /** Tag sets reported so far; touched by the refreshing thread only. */
  private final Set<Tags> seen = new HashSet<>();

  /** Gauges in {@code registry} over the functions {@code functions} names (read each refresh). */
  public QueueGauges(MeterRegistry registry, UnifiedJedis redis, KeySchema keys,
      Supplier<? extends Iterable<String>> functions, TenantTags tenants) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.functions = Objects.requireNonNull(functions, "functions");
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    this.backlog = MultiGauge.builder("croupier.jobs.backlog")
        .description("jobs queued: ready, delayed, waiting for a retry or held at a limit")
        .register(registry);
    this.running = MultiGauge.builder("croupier.jobs.running")
        .description("jobs leased and not finished (on any node)").register(registry);
  }

  /** Takes a census and updates the gauges; logs (at most at debug) and keeps the last on failure. */
  @Override
  public void run() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.debug("could not count jobs for the backlog gauges: {}", e.toString());
    }
  }

  /** Reads every shard's counters and updates the gauges. */
  public synchronized void refresh() {
    Iterable<String> names = functions.get();
    Map<Tags, long[]> sums = new HashMap<>();
    // Every series once seen stays, at 0 when its work is gone: a series that vanishes reads as
    // "no data" on a dashboard, not as an empty queue. Without the tenant tag every known function
    // has one from the start.
    for (Tags tags : seen) {
      sums.put(tags, new long[2]);
    }
    if (!tenants.enabled()) {
      for (String fn : names) {
        sums.putIfAbsent(Tags.of("function", fn), new long[2]);
      }
    }
    for (int shard = 0; shard < keys.shards(); shard++) {
      if (tenants.enabled()) {
        add(sums, keys.queuedCounts(shard), 0);
        add(sums, keys.runningCounts(shard), 1);
      } else {
        addTotals(sums, keys.functionCounts(shard));
      }
    }
    seen.addAll(sums.keySet());
    List<MultiGauge.Row<?>> queued = new ArrayList<>(sums.size());
    List<MultiGauge.Row<?>> leased = new ArrayList<>(sums.size());
    sums.forEach((tags, sum) -> {
      queued.add(MultiGauge.Row.of(tags, sum[0]));
      leased.add(MultiGauge.Row.of(tags, sum[1]));
    });
    // Running first: a scrape between the two calls then never sees a new series in the backlog
    // gauge without its running twin (NodeMetricsTest waits for the backlog, then reads both).
    running.register(leased, true);
    backlog.register(queued, true);
  }

  /** Adds a shard's per-function totals ('q:function' and 'r:function' -> count). */
  private void addTotals(Map<Tags, long[]> sums, String key) {
    Map<String, String> totals;
    try {
      totals = redis.hgetAll(key);
    } catch (RuntimeException e) {
      throw RedisErrors.translate("reading the job totals", e);
    }
    totals.forEach((field, value) -> {
      int column = field.startsWith("q:") ? 0 : field.startsWith("r:") ? 1 : -1;
      long n = parse(value);
      if (column >= 0 && n > 0) {
        sums.computeIfAbsent(Tags.of("function", field.substring(2)), t -> new long[2])[column] += n;
      }
    });
  }

  private static long parse(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0; // not a counter this engine wrote
    }
  }

  /** Adds the counts of hash {@code key} ('tenant:function' -> count) to column {@code column}. */
  private void add(Map<Tags, long[]> sums, String key, int column) {
    HashPages.forEach(redis, key, "reading the job counters", (tf, value) -> {
      int colon = tf.indexOf(':');
      long n = parse(value);
      if (colon >= 0 && n > 0) {
        Tags tags = Tags.of("function", tf.substring(colon + 1)).and("tenant", tenants.tag(tf.substring(0, colon)));
        sums.computeIfAbsent(tags, t -> new long[2])[column] += n;
      }
    });
  }
}
