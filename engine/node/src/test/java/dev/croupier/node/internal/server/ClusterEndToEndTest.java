package dev.croupier.node.internal.server;

import dev.croupier.api.JobState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobInfo;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two engine nodes and three workers on one Redis, over loopback. */
class ClusterEndToEndTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final Duration WAIT = Duration.ofSeconds(60);
  static final FunctionSpec WORK = FunctionSpec.newBuilder("work")
      .leaseTimeout(Duration.ofSeconds(1)).build();

  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  Worker worker(List<String> addresses, int maxInFlight, JobHandler handler) {
    return worker(addresses, WORK, maxInFlight, handler);
  }

  Worker worker(List<String> addresses, FunctionSpec spec, int maxInFlight, JobHandler handler) {
    Worker w = closeLater(Worker.create(WorkerOptions.newBuilder()
        .addresses(addresses)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .shutdownGrace(Duration.ofSeconds(2))
        .build()));
    w.register(spec, maxInFlight, handler).start();
    assertThat(w.awaitReady(WAIT)).isTrue();
    return w;
  }

  CroupierClient client(String... addresses) {
    return closeLater(CroupierClient.connect(ClientOptions.newBuilder()
        .addresses(List.of(addresses)).build()));
  }

  static List<JobRequest> jobs(int n) {
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(JobRequest.newBuilder("tenant-" + (i % 3), "work").payload("p" + i).build());
    }
    return jobs;
  }

  static void awaitAllSucceeded(CroupierClient client, List<EnqueueResult> enqueued) {
    for (EnqueueResult e : enqueued) {
      JobInfo s = client.await(e.jobId(), WAIT);
      assertThat(s.state()).as("job %s", e.jobId()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void twoNodesThreeWorkers_everyJobFinishes() {
    Nodes nodes = closeLater(new Nodes(REDIS));
    String n0 = Nodes.address(nodes.start());
    String n1 = Nodes.address(nodes.start());
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> perWorker = new ConcurrentHashMap<>();
    for (int w = 0; w < 3; w++) {
      int id = w;
      worker(w == 1 ? List.of(n1, n0) : List.of(n0, n1), 4, job -> {
        runs.computeIfAbsent(job.payloadUtf8(), k -> new AtomicInteger()).incrementAndGet();
        perWorker.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(2);
      });
    }
    CroupierClient producer0 = client(n0);
    CroupierClient producer1 = client(n1);
    List<EnqueueResult> enqueued = new ArrayList<>(producer0.enqueueBatch(jobs(150)));
    for (JobRequest j : jobs(150)) {
      enqueued.add(producer1.enqueueAsync(j).join());
    }
    awaitAllSucceeded(producer1, enqueued);
    assertThat(runs).hasSize(150);
    assertThat(perWorker.values().stream().mapToInt(AtomicInteger::get).sum()).isGreaterThanOrEqualTo(300);
    assertThat(perWorker).as("every worker served some jobs").hasSize(3);
  }

  @Test
  void jobsEnqueuedThroughANodeWithoutWorkers_startOnTheNodeWithThem_withoutWaitingForItsPoll()
      throws Exception {
    // Polls too slow to matter: each job starts on the other node only because its enqueue was
    // announced on the shard's work channel.
    Nodes nodes = closeLater(new Nodes(REDIS, b -> b.idlePoll(Duration.ofSeconds(30))));
    String front = Nodes.address(nodes.start());
    String back = Nodes.address(nodes.start());
    LinkedBlockingQueue<String> started = new LinkedBlockingQueue<>();
    worker(List.of(back), 4, job -> started.add(job.payloadUtf8()));
    CroupierClient producer = client(front);
    for (int i = 0; i < 50; i++) {
      producer.enqueue(JobRequest.newBuilder("tenant-" + i, "work").payload("p" + i).build());
      assertThat(started.poll(5, TimeUnit.SECONDS)).as("job %d started without a poll", i).isEqualTo("p" + i);
    }
  }

  @Test
  void workerKilledMidJob_jobIsRedeliveredToAnotherAfterLeaseExpires() {
    Nodes nodes = closeLater(new Nodes(REDIS));
    String n0 = Nodes.address(nodes.start());
    String n1 = Nodes.address(nodes.start());
    CountDownLatch started = new CountDownLatch(1);
    Worker doomed = worker(List.of(n0), 1, job -> {
      started.countDown();
      new CountDownLatch(1).await(); // hangs until interrupted
    });
    CroupierClient client = client(n1);
    EnqueueResult e = client.enqueue(JobRequest.newBuilder("acme", "work").payload("x").build());
    Await.until("the doomed worker runs the job", WAIT, () -> started.getCount() == 0);

    List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
    worker(List.of(n1), 2, job -> attemptsSeen.add(job.attempt()));
    worker(List.of(n0, n1), 2, job -> attemptsSeen.add(job.attempt()));
    doomed.abort();

    JobInfo s = client.await(e.jobId(), WAIT);
    assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.attempts()).isEqualTo(2);
    assertThat(attemptsSeen).containsExactly(2);
  }

  @Test
  void engineNodeStoppedMidRun_losesNothing_workersMoveToTheOther() {
    Nodes nodes = closeLater(new Nodes(REDIS));
    Node node0 = nodes.start();
    String n0 = Nodes.address(node0);
    String n1 = Nodes.address(nodes.start());
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    List<Worker> workers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      workers.add(worker(w == 1 ? List.of(n1, n0) : List.of(n0, n1), 4, job -> {
        Thread.sleep(5);
        runs.computeIfAbsent(job.payloadUtf8(), k -> new AtomicInteger()).incrementAndGet();
        done.incrementAndGet();
      }));
    }
    assertThat(node0.connections()).isEqualTo(2);
    CroupierClient client = client(n1);
    CroupierClient producerOfBoth = client(n0, n1);
    producerOfBoth.enqueue(JobRequest.newBuilder("acme", "work").payload("early").build());
    List<EnqueueResult> enqueued = client.enqueueBatch(jobs(400));
    Await.until("some jobs ran", WAIT, () -> done.get() >= 50);
    nodes.stop(0);

    awaitAllSucceeded(client, enqueued);
    assertThat(runs.keySet()).containsAll(jobs(400).stream().map(j -> new String(j.payload())).toList());
    Await.until("every worker is connected again", WAIT,
        () -> workers.stream().allMatch(Worker::isConnected));
    // A producer that knew both nodes carries on through the one left.
    EnqueueResult late = producerOfBoth.enqueue(JobRequest.newBuilder("acme", "work").payload("late").build());
    assertThat(producerOfBoth.await(late.jobId(), WAIT).state())
        .isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void workerClosedGracefully_finishesRunningJobs_andOthersTakeTheRest() {
    Nodes nodes = closeLater(new Nodes(REDIS));
    String n0 = Nodes.address(nodes.start());
    AtomicInteger done = new AtomicInteger();
    Worker leaving = worker(List.of(n0), 2, job -> {
      Thread.sleep(20);
      done.incrementAndGet();
    });
    CroupierClient client = client(n0);
    List<EnqueueResult> enqueued = client.enqueueBatch(jobs(60));
    Await.until("some jobs ran", WAIT, () -> done.get() >= 5);
    worker(List.of(n0), 2, job -> done.incrementAndGet());
    leaving.close();
    assertThat(leaving.running()).isZero();
    awaitAllSucceeded(client, enqueued);
  }

  @Test
  void longJob_isHeartbeatedPastItsLeaseTimeout_andRunsOnce() {
    Nodes nodes = closeLater(new Nodes(REDIS));
    String n0 = Nodes.address(nodes.start());
    AtomicInteger runs = new AtomicInteger();
    // Heartbeats every ~0.7 s; only a stall of over 1.3 s could lose the lease.
    FunctionSpec slow = WORK.toBuilder().leaseTimeout(Duration.ofSeconds(2)).build();
    worker(List.of(n0), slow, 1, job -> {
      runs.incrementAndGet();
      Thread.sleep(5000); // two and a half lease timeouts
      assertThat(job.heartbeat()).isTrue();
    });
    CroupierClient client = client(n0);
    EnqueueResult e = client.enqueue(JobRequest.newBuilder("acme", "work").build());
    JobInfo s = client.await(e.jobId(), WAIT);
    assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.attempts()).isEqualTo(1);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void handlerOutcomes_travelOverTheWire() {
    Nodes nodes = closeLater(new Nodes(REDIS));
    String n0 = Nodes.address(nodes.start());
    worker(List.of(n0), 2, job -> {
      switch (job.payloadUtf8()) {
        case "retry-once" -> {
          if (job.attempt() == 1) {
            throw new dev.croupier.api.RetryLaterException(Duration.ofMillis(50), "busy");
          }
        }
        case "poison" -> throw new dev.croupier.api.PermanentFailureException("cannot parse");
        default -> { }
      }
    });
    CroupierClient client = client(n0);
    String retried = client.enqueue(JobRequest.newBuilder("acme", "work").payload("retry-once").build()).jobId();
    String poison = client.enqueue(JobRequest.newBuilder("acme", "work").payload("poison").build()).jobId();
    JobInfo r = client.await(retried, WAIT);
    assertThat(r.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(r.attempts()).isEqualTo(2);
    JobInfo p = client.await(poison, WAIT);
    assertThat(p.state()).isEqualTo(JobState.DEAD);
    assertThat(p.lastError()).contains("cannot parse");
  }
}
