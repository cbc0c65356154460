package dev.croupier.bench.jmh;

import dev.croupier.api.JobRequest;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.CompletionResult;
import dev.croupier.engine.Engine;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.engine.spi.JobSink;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.engine.internal.claim.Claimer;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.redis.RedisClients;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import redis.clients.jedis.UnifiedJedis;

/**
 * The cost of each Lua script, one caller, one round trip each, against a real Redis: enqueue
 * (one job, and a batch of 100 in one round trip), batch lease (one claimJobs call for up to 16
 * jobs, as the claim loop sends it), ack and nack (one completeJobs call each). Average time per
 * call in microseconds; it includes the client round trip, as every caller pays it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class ScriptBenchmark {

  static final String ENQUEUE_FN = "jmh-enqueue";
  static final String LEASE_FN = "jmh-lease";
  static final String ACK_FN = "jmh-ack";
  static final int LEASE_BATCH = 16;
  static final long LEASE_BACKLOG = 250_000;
  static final long ACK_BACKLOG = 150_000;
  /** Leased jobs the ack/nack benchmarks keep at hand. */
  static final int HELD = 20_000;

  /** One engine, a backlog per script, and a sink that keeps leased jobs for ack and nack. */
  @State(Scope.Benchmark)
  public static class Setting {
    BenchRedis redis;
    EngineRuntime runtime;
    Engine engine;
    UnifiedJedis jedis;
    Claimer claimer;
    KeySchema keys;
    FunctionSpec leaseSpec;
    String leaseQueue;
    int leaseShard;
    final LinkedBlockingQueue<LeasedJob> held = new LinkedBlockingQueue<>();
    final AtomicInteger reserved = new AtomicInteger();
    final AtomicInteger seq = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
      String benchmark = params.getBenchmark();
      redis = new BenchRedis();
      String ns = BenchRedis.namespace("scripts");
      EngineOptions options = EngineOptions.newBuilder().redisUrl(redis.url()).namespace(ns)
          .claimThreads(1).shutdownGrace(Duration.ofSeconds(1)).build();
      runtime = EngineRuntime.host(options);
      engine = runtime.engine();
      Duration longLease = Duration.ofMinutes(30); // held jobs must not be requeued mid-trial
      engine.configureFunction(FunctionSpec.newBuilder(ENQUEUE_FN).build());
      leaseSpec = FunctionSpec.newBuilder(LEASE_FN).leaseTimeout(longLease).build();
      engine.configureFunction(leaseSpec);
      engine.configureFunction(FunctionSpec.newBuilder(ACK_FN).leaseTimeout(longLease)
          .retry(new dev.croupier.api.RetryPolicy(1000, Duration.ofHours(1), 1, Duration.ofHours(1))).build());
      // Each benchmark is its own trial: load only the backlog it consumes.
      if (benchmark.endsWith(".leaseBatch")) {
        Backlog.load(engine, LEASE_FN, LEASE_BACKLOG, i -> "lease-tenant");
      }
      if (benchmark.endsWith(".ack") || benchmark.endsWith(".nack")) {
        Backlog.load(engine, ACK_FN, ACK_BACKLOG, i -> "t" + (i % 100));
      }
      keys = new KeySchema(ns, options.shards());
      leaseShard = keys.shardOf("lease-tenant");
      leaseQueue = keys.queueId("lease-tenant", LEASE_FN, null);
      jedis = RedisClients.pooled(redis.url(), 4);
      claimer = new Claimer(new ScriptRegistry(jedis), keys, options);
      runtime.leases().attach(new HoldingSink(this));
    }

    LeasedJob next() throws InterruptedException {
      LeasedJob job = held.poll(10, TimeUnit.SECONDS);
      if (job == null) {
        throw new IllegalStateException("no leased job to complete: the ack backlog ran out");
      }
      return job;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      engine.close();
      jedis.close();
      redis.close();
    }
  }

  /** Takes every leased job of the ack function and keeps up to {@link #HELD} of them. */
  static final class HoldingSink implements JobSink {
    private final Setting s;

    HoldingSink(Setting s) {
      this.s = s;
    }

    @Override
    public Set<String> functions() {
      return Set.of(ACK_FN);
    }

    @Override
    public int reserve(String function, int max) {
      int free = HELD - s.held.size() - s.reserved.get();
      int got = Math.max(0, Math.min(max, free));
      s.reserved.addAndGet(got);
      return got;
    }

    @Override
    public void release(String function, int count) {
      s.reserved.addAndGet(-count);
    }

    @Override
    public void deliver(LeasedJob job) {
      s.reserved.decrementAndGet();
      s.held.add(job);
    }
  }

  /** enqueueJob: one job, one round trip. */
  @Benchmark
  public Object enqueue(Setting s) {
    return s.engine.enqueue("t" + (s.seq.incrementAndGet() % 100), ENQUEUE_FN, Backlog.PAYLOAD,
        EnqueueOptions.DEFAULTS);
  }

  /** enqueueJob for 100 jobs in one round trip (divide by 100 for the per-job cost). */
  @Benchmark
  public Object enqueueBatch100(Setting s) {
    var batch = new java.util.ArrayList<dev.croupier.api.JobRequest>(100);
    for (int i = 0; i < 100; i++) {
      batch.add(new dev.croupier.api.JobRequest("t" + (s.seq.incrementAndGet() % 100), ENQUEUE_FN,
          Backlog.PAYLOAD, null));
    }
    return s.engine.enqueueBatch(batch);
  }

  /** claimJobs for up to 16 jobs of one tenant's queue: one script call. */
  @Benchmark
  public Object leaseBatch(Setting s) {
    return s.claimer.claim(java.util.List.of(new Claimer.Request(s.leaseShard, s.leaseSpec, LEASE_BATCH)),
        System.currentTimeMillis());
  }

  /** ackJob: completes one leased job. */
  @Benchmark
  public CompletionResult ack(Setting s) throws InterruptedException {
    LeasedJob job = s.next();
    return s.runtime.leases().complete(job.id(), job.leaseToken(), new Outcome.Success(Duration.ofMillis(1)));
  }

  /** nackJob: fails one leased job for a retry in an hour (it goes back to its queue, delayed). */
  @Benchmark
  public CompletionResult nack(Setting s) throws InterruptedException {
    LeasedJob job = s.next();
    return s.runtime.leases().complete(job.id(), job.leaseToken(), new Outcome.Retry(Duration.ofHours(1), "bench", Duration.ZERO));
  }
}
