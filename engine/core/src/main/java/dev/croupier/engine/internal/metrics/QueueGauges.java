package dev.croupier.engine.internal.metrics;

import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
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

/**
 * The backlog and running gauges ({@code croupier.jobs.backlog}, {@code croupier.jobs.running}),
 * per function, and per tenant when {@link TenantTags} are enabled. A scrape never touches
 * Redis: {@link #refresh()}, run every few seconds by the engine, takes a census of every shard
 * ({@code countJobs}, one pipelined round trip) and the gauges show the last one. The figures are
 * the whole namespace's, so every engine on it reports the same values: aggregate them across
 * nodes with {@code max}, not {@code sum}.
 */
public final class QueueGauges implements Runnable {

  /** How often an engine takes the census. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final Supplier<? extends Iterable<String>> functions;
  private final TenantTags tenants;
  private final MultiGauge backlog;
  private final MultiGauge running;
  /** Tag sets reported so far; touched by the refreshing thread only. */
  private final Set<Tags> seen = new HashSet<>();

  /** Gauges in {@code registry} over the functions {@code functions} names (read each refresh). */
  public QueueGauges(MeterRegistry registry, ScriptRegistry scripts, KeySchema keys,
      Supplier<? extends Iterable<String>> functions, TenantTags tenants) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
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

  /** Takes a census of every shard and updates the gauges. */
  public synchronized void refresh() {
    List<ScriptRegistry.Call> calls = new ArrayList<>(keys.shards());
    Iterable<String> names = functions.get();
    for (int shard = 0; shard < keys.shards(); shard++) {
      Args a = Args.of().add(keys.prefix(shard));
      for (String fn : names) {
        a.add(fn);
      }
      calls.add(new ScriptRegistry.Call(Script.COUNT_JOBS,
          Args.of().add(keys.timer(shard)).list(), a.list()));
    }
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
    for (Object reply : scripts.runPipelined(calls)) {
      for (Replies.JobCount c : Replies.jobCounts(reply)) {
        Tags tags = Tags.of("function", c.function());
        if (tenants.enabled()) {
          tags = tags.and("tenant", tenants.tag(c.tenant()));
        }
        long[] sum = sums.computeIfAbsent(tags, t -> new long[2]);
        sum[0] += c.queued();
        sum[1] += c.running();
      }
    }
    seen.addAll(sums.keySet());
    List<MultiGauge.Row<?>> queued = new ArrayList<>(sums.size());
    List<MultiGauge.Row<?>> leased = new ArrayList<>(sums.size());
    sums.forEach((tags, sum) -> {
      queued.add(MultiGauge.Row.of(tags, sum[0]));
      leased.add(MultiGauge.Row.of(tags, sum[1]));
    });
    backlog.register(queued, true);
    running.register(leased, true);
  }
}
