package dev.croupier.engine.internal.claim;

import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.engine.spi.JobSink;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Claims through the claim loop's scripts, one round at a time. */
class PartitionClaimerTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void claim_withStrayIdAtQueueHead_dropsIt_andLeavesUnleasedJobsQueued() {
    FakeClock clock = FakeClock.atNow();
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .scavengeInterval(Duration.ofDays(1)).clock(clock).build();
    FunctionSpec plain = FunctionSpec.newBuilder("plain").build(); // no secondary keyed limits
    KeySchema keys = new KeySchema(ns, 1);
    Sink sink = new Sink(plain.name());
    try (Engine engine = EngineRuntime.start(options); ClaimDriver driver = new ClaimDriver(options, sink);
        RedisClient redis = REDIS.client()) {
      engine.configureFunction(plain);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(engine.enqueue("t1", plain.name(), "x".getBytes(StandardCharsets.UTF_8), EnqueueOptions.DEFAULTS)
            .jobId());
      }
      String queue = keys.queue(0, keys.queueId("t1", plain.name(), null));
      String stray = redis.zrange(queue, 0, 0).get(0);
      redis.del(keys.job(0, stray)); // e.g. a status record that expired while its id stayed queued

      sink.credits = 3;
      driver.round();
      List<String> rest = new ArrayList<>(ids);
      rest.remove(stray);
      assertThat(sink.delivered).extracting(LeasedJob::id).hasSize(2).isSubsetOf(rest);
      rest.removeAll(sink.delivered.stream().map(LeasedJob::id).toList());
      assertThat(redis.zrange(queue, 0, -1)).as("jobs still queued").containsExactlyElementsOf(rest);
      IndexInvariants.check(redis, ns, 1);
    }
  }

  /** A sink with a fixed number of credits for one function. */
  private static final class Sink implements JobSink {
    private final String function;
    int credits;
    final List<LeasedJob> delivered = new ArrayList<>();

    Sink(String function) {
      this.function = function;
    }

    @Override
    public Set<String> functions() {
      return Set.of(function);
    }

    @Override
    public int reserve(String f, int max) {
      int take = Math.min(credits, max);
      credits -= take;
      return take;
    }

    @Override
    public void release(String f, int count) {
      credits += count;
    }

    @Override
    public void deliver(LeasedJob job) {
      delivered.add(job);
    }
  }
}
