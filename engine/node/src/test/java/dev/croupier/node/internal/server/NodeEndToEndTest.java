package dev.croupier.node.internal.server;

import dev.croupier.api.JobState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NodeEndToEndTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void oneNode_oneWorker_runsEnqueuedJobs() {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      Set<String> ran = ConcurrentHashMap.newKeySet();
      try (Worker worker = Worker.create(WorkerOptions.newBuilder()
              .address(Nodes.address(node)).build())
              .register(FunctionSpec.newBuilder("echo").build(), 4, job -> ran.add(job.payloadUtf8()))
              .start();
          CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
              .address(Nodes.address(node)).build())) {
        assertThat(worker.awaitReady(Duration.ofSeconds(10))).isTrue();
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          jobs.add(JobRequest.newBuilder("acme", "echo").payload("p" + i).build());
        }
        List<EnqueueResult> enqueued = client.enqueueBatch(jobs);
        for (EnqueueResult e : enqueued) {
          JobInfo s = client.await(e.jobId(), Duration.ofSeconds(30));
          assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(ran).hasSize(50);
      }
    }
  }

  @Test
  void completionsOverTheNodesInFlightCap_areSentAgainAtOnce_notLeftToTheirLeases() {
    // A cap of 2 requests in flight per connection and 32 jobs ending at once: most completions
    // are refused RESOURCE_EXHAUSTED. With 60 s leases, only sending them again gets the jobs
    // done within the wait below.
    FunctionSpec echo = FunctionSpec.newBuilder("echo").leaseTimeout(Duration.ofSeconds(60)).build();
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start(b -> b.maxRequestsInFlight(2));
      try (Worker worker = Worker.create(WorkerOptions.newBuilder()
              .address(Nodes.address(node)).build())
              .register(echo, 32, job -> {})
              .start();
          CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
              .address(Nodes.address(node)).build())) {
        assertThat(worker.awaitReady(Duration.ofSeconds(10))).isTrue();
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          jobs.add(JobRequest.newBuilder("acme", "echo").payload("p" + i).build());
        }
        for (EnqueueResult e : client.enqueueBatch(jobs)) {
          assertThat(client.await(e.jobId(), Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
        }
      }
    }
  }

  @Test
  void start_withoutTokensBeyondLoopback_refuses() {
    try (Nodes nodes = new Nodes(REDIS)) {
      assertThatThrownBy(() -> nodes.start(b -> b.host("0.0.0.0")))
          .hasMessageContaining("without --tokens").hasMessageContaining("0.0.0.0");
    }
  }

  @Test
  void unregister_lastWorker_stopsDispatching_untilOneServesItAgain() throws InterruptedException {
    // A short lease: a claim round that reserved credits just before the unregister may still
    // lease the job; the registry then has nobody to give it to, and it returns after its lease.
    FunctionSpec echo = FunctionSpec.newBuilder("echo").leaseTimeout(Duration.ofSeconds(1)).build();
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      Set<String> ran = ConcurrentHashMap.newKeySet();
      try (Worker worker = Worker.create(WorkerOptions.newBuilder()
              .address(Nodes.address(node)).build())
              .register(echo, 4, job -> ran.add(job.id()))
              .start();
          CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
              .address(Nodes.address(node)).build())) {
        assertThat(worker.awaitReady(Duration.ofSeconds(10))).isTrue();
        worker.unregister("echo");
        Await.until("the node no longer offers echo", Duration.ofSeconds(30),
            () -> node.registry().functions().isEmpty());
        String id = client.enqueue(JobRequest.newBuilder("acme", "echo").build()).jobId();
        Thread.sleep(300); // long enough for claim rounds to run, had anyone served echo
        assertThat(ran).doesNotContain(id);
        assertThat(client.lookup(id)).get().extracting(JobInfo::state)
            .isIn(JobState.QUEUED, JobState.RUNNING);
        worker.register(echo, 4, job -> ran.add(job.id()));
        assertThat(client.await(id, Duration.ofSeconds(30)).state())
            .isEqualTo(JobState.SUCCEEDED);
        assertThat(ran).contains(id);
      }
    }
  }

}
