package dev.croupier.bench.contender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/** A short run of every baseline against the real Redis: every job runs once, keys are cleaned up. */
class BaselineContendersTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  record Maker(String name, Function<String, Contender> make) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> baselines() {
    return Stream.of(
        Arguments.of(new Maker("fifo", p -> new FifoListContender(REDIS.url(), p, 4))),
        Arguments.of(new Maker("mover", p -> new BatchMoverContender(REDIS.url(), p, 4, Duration.ofMillis(50), 20))),
        Arguments.of(new Maker("ring", p -> new TenantRingContender(REDIS.url(), p, 4))),
        Arguments.of(new Maker("decayed", p -> new DecayedActivityContender(REDIS.url(), p, 4))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baselines")
  void run_everyJobRunsExactlyOnce_andCloseDeletesKeys(Maker maker) throws Exception {
    String prefix = REDIS.newNamespace() + ":";
    List<Job> ran = new CopyOnWriteArrayList<>();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      jobs.add(new Job(i % 3, "t" + (i % 3), i % 2 == 0 ? "" : "k" + (i % 5), i, 0, System.nanoTime()));
    }
    try (Contender c = maker.make().apply(prefix)) {
      c.enqueue(jobs.subList(0, 30));
      c.start(4, ran::add);
      c.enqueue(jobs.subList(30, 60));
      waitFor(() -> ran.size() >= 60);
    }
    assertThat(ran).extracting(Job::seq).containsExactlyInAnyOrderElementsOf(jobs.stream().map(Job::seq).toList());
    try (RedisClient jedis = REDIS.client()) {
      assertThat(BaselineContendersTest.keysMatching(jedis, prefix + "*")).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baselines")
  void run_lateTenant_notStarvedOrFifoBehindBacklog(Maker maker) throws Exception {
    String prefix = REDIS.newNamespace() + ":";
    List<Job> order = new CopyOnWriteArrayList<>();
    Set<Long> lateSeqs = ConcurrentHashMap.newKeySet();
    try (Contender c = maker.make().apply(prefix)) {
      List<Job> backlog = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        backlog.add(new Job(0, "big", "", i, 0, 0));
      }
      c.enqueue(backlog);
      c.enqueue(List.of(new Job(1, "late", "", 1000, 0, 0)));
      lateSeqs.add(1000L);
      c.start(1, order::add);
      waitFor(() -> order.size() >= 201);
    }
    int position = 0;
    while (order.get(position).seq() != 1000) {
      position++;
    }
    if (maker.name().equals("fifo")) {
      assertThat(position).isEqualTo(200); // head-of-line blocking: it waits for the whole backlog
    } else {
      assertThat(position).isLessThan(50); // per-tenant designs serve it early
    }
  }

  /** Every key matching {@code pattern}, over the whole SCAN (one page is not the keyspace). */
  static List<String> keysMatching(RedisClient jedis, String pattern) {
    List<String> out = new ArrayList<>();
    ScanParams params = new ScanParams().match(pattern).count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      var page = jedis.scan(cursor, params);
      out.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return out;
  }

  static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }
}
