package dev.croupier.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.croupier.bench.scenario.ThreadCpu.Role;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The split of this JVM's CPU by thread role, read from Linux's per-thread accounting. */
class ThreadCpuTest {

  @Test
  void roleOf_sortsThreadsByTheirTruncatedNames() {
    assertThat(ThreadCpu.roleOf("producer-1")).isEqualTo(Role.PRODUCER);
    assertThat(ThreadCpu.roleOf("croupier-client")).isEqualTo(Role.PRODUCER); // -retry, -timeouts too
    assertThat(ThreadCpu.roleOf("C2 CompilerThre")).isEqualTo(Role.JIT);
    assertThat(ThreadCpu.roleOf("C1 CompilerThre")).isEqualTo(Role.JIT);
    assertThat(ThreadCpu.roleOf("croupier-io-3-1")).isEqualTo(Role.QUEUE);
    assertThat(ThreadCpu.roleOf("ForkJoinPool-1-")).isEqualTo(Role.QUEUE);
    assertThat(ThreadCpu.roleOf("GC Thread#0")).isEqualTo(Role.QUEUE);
  }

  @Test
  void between_chargesAThreadsWorkToItsRole() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
    AtomicLong sink = new AtomicLong();
    CountDownLatch spun = new CountDownLatch(1);
    CountDownLatch sampled = new CountDownLatch(1);
    Map<Long, ThreadCpu.Sample> start = ThreadCpu.sample();
    Thread producer = Thread.ofPlatform().name("producer-test").start(() -> {
      // Spins until it has had 50 ms of CPU by its own clock, then waits (alive) for the sample.
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long x = 0;
      while (mx.getCurrentThreadCpuTime() < 50_000_000L) {
        x += Long.numberOfTrailingZeros(x + System.nanoTime());
      }
      sink.set(x);
      spun.countDown();
      try {
        sampled.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(spun.await(30, TimeUnit.SECONDS)).isTrue();
    Map<Long, ThreadCpu.Sample> end = ThreadCpu.sample();
    sampled.countDown();
    producer.join();

    Map<Role, Double> byRole = ThreadCpu.between(start, end);

    assertThat(byRole).containsOnlyKeys(Role.values());
    assertThat(byRole.get(Role.PRODUCER)).isGreaterThanOrEqualTo(0.045);
    assertThat(byRole.get(Role.QUEUE)).isGreaterThanOrEqualTo(0.0);
  }

  @Test
  void between_withoutSamples_isEmpty() {
    assertThat(ThreadCpu.between(Map.of(), Map.of())).isEmpty();
  }
}
