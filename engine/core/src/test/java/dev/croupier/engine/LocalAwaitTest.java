package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryLaterException;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.RedisServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An await of a job that this engine completes is answered from the completion itself: the
 * completion script returns the ended job's record, so no lookup (HGETALL) is made for it, and the
 * answer is what a lookup would give.
 */
class LocalAwaitTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private EngineRuntime runtime;
  private Engine engine;

  @BeforeEach
  void start() {
    runtime = EngineRuntime.host(REDIS.newOptions().idlePoll(Duration.ofMillis(50)).build());
    engine = runtime.engine();
  }

  /**
   * Waits out the watcher's first re-check, which re-reads every await once the subscription is
   * up (anything announced before it was missed): only then do HGETALLs count lookups of ends.
   */
  private static void pastFirstRecheck() throws InterruptedException {
    Thread.sleep(2200);
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  /**
   * The HGETALLs sent by clients, not run inside scripts, while this tap is open: MONITOR marks a
   * command a script ran with "lua".
   */
  private static final class LookupTap implements AutoCloseable {
    private final Socket socket;
    private final AtomicInteger lookups = new AtomicInteger();
    private final CountDownLatch open = new CountDownLatch(1);

    LookupTap() throws IOException {
      URI uri = URI.create(REDIS.url());
      socket = new Socket(uri.getHost(), uri.getPort());
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      Thread.ofPlatform().daemon().start(() -> {
        try {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("+OK")) {
              open.countDown();
            } else if (line.contains("\"HGETALL\"") && !line.contains(" lua]")) {
              lookups.incrementAndGet();
            }
          }
        } catch (IOException e) {
          // closed
        }
      });
    }

    LookupTap started() throws InterruptedException {
      assertThat(open.await(5, TimeUnit.SECONDS)).isTrue();
      return this;
    }

    int lookups() {
      return lookups.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aJobAwaitedHere_isAnsweredFromItsCompletion_withoutALookup_asALookupWouldAnswer() throws Exception {
    pastFirstRecheck();
    CountDownLatch release = new CountDownLatch(1);
    engine.register(FunctionSpec.newBuilder("f").keyedLimit("acct", 10).build(), 2, job -> release.await());
    String id = engine.enqueue("t1", "f", new byte[] {7},
        EnqueueOptions.newBuilder().header("trace", "abc").concurrencyKey("acct", "a1").watched(true).build()).jobId();
    CompletableFuture<JobInfo> done = engine.awaitCompletion(id, Duration.ofSeconds(20));
    Thread.sleep(200); // the job runs and the await is registered before it completes
    JobInfo info;
    try (LookupTap tap = new LookupTap().started()) {
      release.countDown();
      info = done.get(20, TimeUnit.SECONDS);
      Thread.sleep(100); // a lookup the announcement started would be on its way now
      assertThat(tap.lookups()).as("lookups while the await was answered").isZero();
    }
    assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(info).usingRecursiveComparison().isEqualTo(engine.lookup(id).orElseThrow());
    assertThat(info.headers()).containsEntry("trace", "abc");
    assertThat(info.concurrencyKeys()).isEqualTo(Map.of("acct", "a1"));
    assertThat(info.finishedAt()).isNotNull();
  }

  @Test
  void aJobAwaitedHereThatFailsForGood_isAnsweredDead_withItsError() throws Exception {
    pastFirstRecheck();
    CountDownLatch release = new CountDownLatch(1);
    engine.register(FunctionSpec.newBuilder("f").build(), 2, job -> {
      release.await();
      throw new PermanentFailureException("no such account");
    });
    String id = engine.enqueue("t1", "f", new byte[] {7}, EnqueueOptions.newBuilder().watched(true).build()).jobId();
    CompletableFuture<JobInfo> done = engine.awaitCompletion(id, Duration.ofSeconds(20));
    Thread.sleep(200);
    JobInfo info;
    try (LookupTap tap = new LookupTap().started()) {
      release.countDown();
      info = done.get(20, TimeUnit.SECONDS);
      Thread.sleep(100);
      assertThat(tap.lookups()).as("lookups while the await was answered").isZero();
    }
    assertThat(info.state()).isEqualTo(JobState.DEAD);
    assertThat(info.lastError()).contains("no such account");
    assertThat(info).usingRecursiveComparison().isEqualTo(engine.lookup(id).orElseThrow());
  }

  @Test
  void aJobAwaitedHereThatIsRetried_isAnsweredWhenItEnds_notWhenItsFirstAttemptFails() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    engine.register(FunctionSpec.newBuilder("f").build(), 2, job -> {
      Thread.sleep(100);
      if (attempts.incrementAndGet() == 1) {
        throw new RetryLaterException(Duration.ofMillis(50), "busy");
      }
    });
    String id = engine.enqueue("t1", "f", new byte[] {7}, EnqueueOptions.newBuilder().watched(true).build()).jobId();
    JobInfo info = engine.awaitCompletion(id, Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
    assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(info.attempts()).isEqualTo(2);
    assertThat(info.lastError()).contains("busy");
  }

  @Test
  void manyAwaitsOfJobsCompletedHere_eachGetItsOwnJob() throws Exception {
    engine.register(FunctionSpec.newBuilder("f").build(), 8, job -> Thread.sleep(5));
    int n = 300;
    String[] ids = new String[n];
    @SuppressWarnings("unchecked")
    CompletableFuture<JobInfo>[] done = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      ids[i] = engine.enqueue("t" + (i % 7), "f", new byte[] {(byte) i},
          EnqueueOptions.newBuilder().watched(true).build()).jobId();
      done[i] = engine.awaitCompletion(ids[i], Duration.ofSeconds(30));
    }
    for (int i = 0; i < n; i++) {
      JobInfo info = done[i].get(30, TimeUnit.SECONDS);
      assertThat(info.id()).isEqualTo(ids[i]);
      assertThat(info.tenant()).isEqualTo("t" + (i % 7));
      assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    }
  }
}
