package dev.croupier.bench.jmh;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Claim throughput: engines with N claim threads each drain a backlog spread over Q virtual queues
 * (one per tenant) into a no-op embedded handler. The benchmark thread only samples the engines'
 * claim counters; the figures are auxiliary counters normalised per second (OPERATIONS): {@code jobs} (jobs leased),
 * and {@code claims} (claim script calls that leased something; jobs / claims is the batch a call
 * takes). Claims cannot conflict: each is one atomic script (see docs/design.md, the scheduler).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ClaimBenchmark {

  static final String FUNCTION = "jmh-claim";
  static final int MAX_IN_FLIGHT = 256;

  /** The engines and their backlog, for one trial. */
  @State(Scope.Benchmark)
  public static class Cluster {
    /** Claim loops per engine. */
    @Param({"1", "4", "16", "64"})
    public int claimThreads;
    /** Engine instances sharing the Redis (each its own claim loops and handler slots). */
    @Param({"1", "2"})
    public int engines;
    /** Hash-tagged key spaces; tenants spread over them, and each claim loop claims one at a time. */
    @Param({"1"})
    public int shards;
    /** Active virtual queues (one per tenant). */
    @Param({"1000"})
    public int queues;
    /**
     * Jobs in the backlog (at least one per queue): enough that the backlog outlasts the trial's
     * iterations at ~20k jobs/s (150,000 drained within the third iteration once claims got faster).
     */
    @Param({"400000"})
    public long jobs;

    BenchRedis redis;
    final List<Engine> running = new ArrayList<>();
    /** Each engine's meters: the claim counters are read from them, as an operator would. */
    final List<MeterRegistry> meters = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
      redis = new BenchRedis();
      String ns = BenchRedis.namespace("claim");
      for (int e = 0; e < engines; e++) {
        MeterRegistry registry = new SimpleMeterRegistry();
        meters.add(registry);
        running.add(EngineRuntime.start(EngineOptions.newBuilder().redisUrl(redis.url()).namespace(ns)
            .claimThreads(claimThreads).shards(shards).shutdownGrace(Duration.ofSeconds(1)).meterRegistry(registry)
            .build()));
      }
      FunctionSpec spec = FunctionSpec.newBuilder(FUNCTION).build();
      running.get(0).configureFunction(spec);
      long total = Math.max(jobs, queues);
      Backlog.load(running.get(0), FUNCTION, total, i -> "t" + (i % queues));
      for (Engine engine : running) {
        engine.register(spec, MAX_IN_FLIGHT, job -> { });
      }
    }

    long jobsLeased() {
      return sum("croupier.jobs.leased");
    }

    long successfulClaims() {
      return sum("croupier.claim.leased");
    }

    private long sum(String meter) {
      double n = 0;
      for (MeterRegistry r : meters) {
        n += r.get(meter).functionCounter().count();
      }
      return (long) n;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      running.forEach(Engine::close);
      redis.close();
    }
  }

  /** What one iteration saw, per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long jobs;
    public long claims;
    long lastJobs;
    long lastClaims;

    @Setup(Level.Iteration)
    public void reset(Cluster c) {
      jobs = 0;
      claims = 0;
      lastJobs = c.jobsLeased();
      lastClaims = c.successfulClaims();
    }
  }

  /** Samples the counters every 10 ms while the engines claim in the background. */
  @Benchmark
  public void claim(Cluster c, Counters k) throws InterruptedException {
    Thread.sleep(10);
    long j = c.jobsLeased();
    long s = c.successfulClaims();
    k.jobs += j - k.lastJobs;
    k.claims += s - k.lastClaims;
    k.lastJobs = j;
    k.lastClaims = s;
  }
}
