package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobState;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.spi.Leases;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The hooks a remote host batches with: a claim's jobs reach a sink in one {@code deliverAll},
 * and {@code completeAll} settles each entry exactly as {@code complete} alone would.
 */
class BatchedSettlementTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final FunctionSpec F = FunctionSpec.newBuilder("batched").build();

  /** Records each deliverAll call as one list. */
  private static final class BatchSink extends CreditedSink {
    final LinkedBlockingQueue<List<LeasedJob>> calls = new LinkedBlockingQueue<>();

    BatchSink(int credits) {
      super(F.name(), credits);
    }

    @Override
    public void deliver(LeasedJob job) {
      calls.add(List.of(job));
    }

    @Override
    public void deliverAll(List<LeasedJob> jobs) {
      calls.add(List.copyOf(jobs));
    }

    List<LeasedJob> take(int n) throws InterruptedException {
      List<LeasedJob> out = new ArrayList<>();
      while (out.size() < n) {
        List<LeasedJob> call = calls.poll(20, TimeUnit.SECONDS);
        assertThat(call).as("deliveries within 20 s; got %s", out).isNotNull();
        out.addAll(call);
      }
      return out;
    }
  }

  /** Configures F, enqueues {@code n} jobs of it and leases them all, as a sink of the runtime would. */
  private static List<LeasedJob> leased(EngineRuntime rt, int n) throws InterruptedException {
    rt.engine().configureFunction(F);
    enqueue(rt, n);
    BatchSink sink = new BatchSink(n);
    rt.leases().attach(sink);
    List<LeasedJob> jobs = sink.take(n);
    rt.leases().detach(sink);
    return jobs;
  }

  private static List<String> enqueue(EngineRuntime rt, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(rt.engine().enqueue("acme", F.name(), new byte[] {(byte) i}, EnqueueOptions.DEFAULTS).jobId());
    }
    return ids;
  }

  @Test
  void jobsWaitingWhenASinkAttaches_comeInOneDeliverAll() throws Exception {
    EngineOptions options = REDIS.newOptions().build();
    try (EngineRuntime rt = EngineRuntime.host(options)) {
      rt.engine().configureFunction(F);
      List<String> ids = enqueue(rt, 4);
      BatchSink sink = new BatchSink(4);
      rt.leases().attach(sink);
      List<LeasedJob> first = sink.calls.poll(20, TimeUnit.SECONDS);
      assertThat(first).as("one claim, one call").extracting(LeasedJob::id).containsExactlyInAnyOrderElementsOf(ids);
      rt.leases().detach(sink);
    }
  }

  @Test
  void completeAll_settlesEachEntryAsCompleteWould_aForgedTokenOnlyItsOwn() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    try (EngineRuntime rt = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      List<LeasedJob> jobs = leased(rt, 3);
      LeasedJob a = jobs.get(0);
      LeasedJob b = jobs.get(1);
      LeasedJob c = jobs.get(2);
      Outcome ok = new Outcome.Success(Duration.ofMillis(3));
      assertThat(rt.leases().complete(a.id(), a.leaseToken(), ok)).isEqualTo(CompletionResult.ACCEPTED);

      List<CompletionResult> results = rt.leases().completeAll(List.of(
          new Leases.Completion(b.id(), b.leaseToken(), ok),
          new Leases.Completion(c.id(), b.leaseToken(), ok), // b's token for c: not c's lease
          new Leases.Completion(a.id(), a.leaseToken(), ok), // settled already
          new Leases.Completion(c.id(), "A".repeat(22), ok))); // guessed
      assertThat(results).containsExactly(CompletionResult.ACCEPTED, CompletionResult.UNKNOWN_JOB,
          CompletionResult.STALE, CompletionResult.UNKNOWN_JOB);
      assertThat(rt.engine().lookup(b.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(rt.engine().lookup(c.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);

      assertThatThrownBy(() -> rt.leases().completeAll(List.of(
          new Leases.Completion(c.id(), c.leaseToken(), new Outcome.Fail("bad", Duration.ZERO)),
          new Leases.Completion("not-a-job-id", c.leaseToken(), ok))))
          .isInstanceOf(InvalidRequestException.class);
      assertThat(rt.engine().lookup(c.id()).orElseThrow().state())
          .as("a malformed id refuses the whole batch before any of it is sent").isEqualTo(JobState.RUNNING);
      assertThat(rt.leases().completeAll(List.of(
          new Leases.Completion(c.id(), c.leaseToken(), new Outcome.Fail("bad", Duration.ZERO)))))
          .containsExactly(CompletionResult.ACCEPTED);
      assertThat(rt.engine().lookup(c.id()).orElseThrow().state()).isEqualTo(JobState.DEAD);
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void completeAllAsync_answersAsCompleteAllWould_andRefusesAMalformedIdAtOnce() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    try (EngineRuntime rt = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      List<LeasedJob> jobs = leased(rt, 2);
      LeasedJob a = jobs.get(0);
      LeasedJob b = jobs.get(1);
      Outcome ok = new Outcome.Success(Duration.ofMillis(3));

      assertThatThrownBy(() -> rt.leases().completeAllAsync(List.of(
          new Leases.Completion(a.id(), a.leaseToken(), ok),
          new Leases.Completion("not-a-job-id", a.leaseToken(), ok))))
          .as("thrown before anything is queued, not a future that fails later")
          .isInstanceOf(InvalidRequestException.class);
      assertThat(rt.engine().lookup(a.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);

      CompletableFuture<List<CompletionResult>> results = rt.leases().completeAllAsync(List.of(
          new Leases.Completion(a.id(), a.leaseToken(), ok),
          new Leases.Completion(b.id(), a.leaseToken(), ok))); // a's token for b
      assertThat(results.get(5, TimeUnit.SECONDS))
          .containsExactly(CompletionResult.ACCEPTED, CompletionResult.UNKNOWN_JOB);
      assertThat(rt.engine().lookup(a.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(rt.engine().lookup(b.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
      assertThat(rt.leases().completeAllAsync(List.of(new Leases.Completion(b.id(), b.leaseToken(), ok)))
          .get(5, TimeUnit.SECONDS)).containsExactly(CompletionResult.ACCEPTED);
      IndexInvariants.check(redis, ns, 1);
    }
  }
}
