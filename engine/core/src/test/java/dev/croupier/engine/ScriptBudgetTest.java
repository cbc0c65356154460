package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.spi.Leases;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * With no time budget every script call that loops over work does its first steps and answers (a
 * claim one pick, a completion batch four jobs, a sweep four expired leases); the engine sends the
 * rest in further calls. Nothing may be lost, leased twice or left behind on the way.
 */
class ScriptBudgetTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void withNoBudget_claimsCompletionsAndSweepsGoOneStepACall_andEveryJobRunsToItsEnd() throws Exception {
    EngineOptions options = REDIS.newOptions().scriptBudget(Duration.ZERO).claimThreads(2)
        .scavengeInterval(Duration.ofMillis(100)).idlePoll(Duration.ofMillis(50)).build();
    try (EngineRuntime rt = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      FunctionSpec spec = FunctionSpec.newBuilder("f").leaseTimeout(Duration.ofSeconds(1)).build();
      KeySchema keys = new KeySchema(options.namespace(), 1);
      rt.engine().registerFunction(spec);
      HoldingSink sink = new HoldingSink("f", 40);
      rt.leases().attach(sink);
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        batch.add(JobRequest.newBuilder("t" + (i % 12), "f").payload("p" + i).build());
      }
      Set<String> ids = new HashSet<>();
      rt.engine().enqueueBatch(batch).forEach(r -> ids.add(r.jobId()));
      assertThat(ids).hasSize(60);

      // Forty leased, one pick per claim call; each once.
      List<LeasedJob> first = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        first.add(sink.next());
      }
      assertThat(first.stream().map(LeasedJob::id).distinct()).hasSize(40);
      // Thirty completed in one batch: the completer's calls settle four each, and it sends the rest.
      List<Leases.Completion> done = new ArrayList<>();
      for (LeasedJob j : first.subList(0, 30)) {
        done.add(new Leases.Completion(j.id(), j.leaseToken(), new Outcome.Success(Duration.ZERO)));
      }
      assertThat(rt.leases().completeAll(done)).hasSize(30).containsOnly(CompletionResult.ACCEPTED);
      // Ten never completed: their leases run out and the scavenger, four per call, requeues them
      // all. Only then are there credits again (what is delivered is completed at once, within
      // its lease): the ten come back with the twenty never leased.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (redis.zcard(keys.inflight(0)) > 0) {
        assertThat(System.nanoTime()).as("the expired leases swept within 20 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      Map<String, Integer> attempts = new HashMap<>();
      sink.grant(30);
      List<Leases.Completion> rest = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        LeasedJob j = sink.next();
        attempts.put(j.id(), j.attempt());
        rest.add(new Leases.Completion(j.id(), j.leaseToken(), new Outcome.Success(Duration.ZERO)));
      }
      for (LeasedJob held : first.subList(30, 40)) {
        assertThat(attempts).as("the expired lease of %s came back", held.id()).containsEntry(held.id(), 2);
      }
      assertThat(rt.leases().completeAll(rest)).containsOnly(CompletionResult.ACCEPTED);
      Set<String> ended = new HashSet<>();
      done.forEach(c -> ended.add(c.jobId()));
      rest.forEach(c -> ended.add(c.jobId()));
      assertThat(ended).isEqualTo(ids);
      assertThat(sink.delivered()).isEqualTo(70);

      assertThat(redis.zcard(keys.inflight(0))).isZero();
      assertThat(redis.hlen(keys.runningCounts(0))).isZero();
      assertThat(redis.hlen(keys.queuedCounts(0))).isZero();
      IndexInvariants.check(redis, options.namespace(), 1);
    }
  }
}
