package dev.croupier.bench.contender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.RedisClient;

/** Croupier as a contender (embedded and over the protocol) on the real Redis: every job runs once, keys go away. */
class CroupierContenderTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @ParameterizedTest(name = "{0} keyed={1}")
  @CsvSource({"croupier-uniform,false", "croupier-weighted,true", "croupier-protocol,false", "croupier-protocol,true"})
  void run_everyJobRunsOnce_andCloseDeletesKeys(String name, boolean keyed) throws Exception {
    String ns = REDIS.newNamespace();
    List<Job> ran = new CopyOnWriteArrayList<>();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      jobs.add(new Job(i % 4, "t" + (i % 4), keyed ? "k" + (i % 7) : "", i, 0, System.nanoTime()));
    }
    try (Contender c = Contenders.create(name, new Contenders.Spec(REDIS.url(), ns, 4, keyed, 0))) {
      c.configureWeights(new String[] {"t0", "t1"}, new double[] {1, 4});
      c.enqueue(jobs);
      c.start(4, ran::add);
      BaselineContendersTest.waitFor(() -> ran.size() >= 40);
    }
    assertThat(ran).extracting(Job::seq).containsExactlyInAnyOrderElementsOf(jobs.stream().map(Job::seq).toList());
    try (RedisClient jedis = REDIS.client()) {
      assertThat(BaselineContendersTest.keysMatching(jedis, ns + ":*")).isEmpty();
    }
  }
}
