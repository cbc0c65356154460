package dev.croupier.node.internal.server;

import dev.croupier.api.JobState;
import dev.croupier.node.config.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.proto.v1.Cancel;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Watch;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobInfo;
import dev.croupier.protocol.ServerException;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens scope every message: a producer of tenant A never reaches tenant B's jobs. */
class TenantIsolationTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final String PRODUCER_A = "producer-a-secret";
  static final String PRODUCER_B = "producer-b-secret";
  static final String WORKER_F = "worker-f-secret";
  static final String ADMIN = "admin-secret-123";

  static Nodes nodes;
  static Node node;
  static CroupierClient clientA;
  static CroupierClient clientB;
  static String jobOfB;

  @BeforeAll
  static void start() {
    nodes = new Nodes(REDIS);
    node = nodes.start(b -> b.tokens(Tokens.parse("test", List.of(
        PRODUCER_A + " producer tenant-a",
        PRODUCER_B + " producer tenant-b",
        WORKER_F + " worker f",
        ADMIN + " admin *"))));
    nodes.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
    clientA = client(PRODUCER_A);
    clientB = client(PRODUCER_B);
    // Delayed, so it stays queued while the tests poke at it.
    jobOfB = clientB.enqueue(JobRequest.newBuilder("tenant-b", "f")
        .delay(Duration.ofHours(1)).build()).jobId();
  }

  @AfterAll
  static void stop() {
    clientA.close();
    clientB.close();
    nodes.close();
  }

  static CroupierClient client(String token) {
    return CroupierClient.connect(ClientOptions.newBuilder()
        .address(Nodes.address(node)).token(token).build());
  }

  static String code(Runnable r) {
    try {
      r.run();
    } catch (ServerException e) {
      return e.code();
    }
    throw new AssertionError("expected a ServerException");
  }

  @Test
  void enqueue_forAnotherTenant_isPermissionDenied() {
    assertThat(code(() -> clientA.enqueue(JobRequest.newBuilder("tenant-b", "f").build())))
        .isEqualTo("PERMISSION_DENIED");
    assertThat(clientA.enqueue(JobRequest.newBuilder("tenant-a", "f").build()).jobId()).isNotEmpty();
  }

  @Test
  void enqueueBatch_withOneForeignItem_isRefusedWhole() {
    assertThat(code(() -> clientA.enqueueBatch(List.of(
        JobRequest.newBuilder("tenant-a", "f").idempotencyKey("batch-1").build(),
        JobRequest.newBuilder("tenant-b", "f").build()))))
        .isEqualTo("PERMISSION_DENIED");
    // Nothing of the batch was enqueued: the same idempotency key now makes a new job.
    assertThat(clientA.enqueueBatch(List.of(
        JobRequest.newBuilder("tenant-a", "f").idempotencyKey("batch-1").build()))
        .get(0).duplicate()).isFalse();
  }

  @Test
  void lookupCancelWatch_ofAnotherTenantsJob_lookExactlyLikeAMissingJob() throws Exception {
    String missing = "0-00000000000000000000000000";
    try (RawPeer raw = new RawPeer(node)) {
      assertThat(raw.hello(PRODUCER_A).hasWelcome()).isTrue();
      for (Function<String, Envelope.Builder> request : List.<Function<String, Envelope.Builder>>of(
          id -> Envelope.newBuilder().setLookup(Lookup.newBuilder().setJobId(id)),
          id -> Envelope.newBuilder().setCancel(Cancel.newBuilder().setJobId(id)),
          id -> Envelope.newBuilder().setWatch(Watch.newBuilder().setJobId(id).setTimeoutMs(100)))) {
        raw.send(request.apply(jobOfB).setCorrelationId(10).build());
        Envelope foreign = raw.read();
        raw.send(request.apply(missing).setCorrelationId(10).build());
        Envelope absent = raw.read();
        assertThat(foreign.getError().getCode()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(foreign.getError().getMessage())
            .isEqualTo(absent.getError().getMessage().replace(missing, jobOfB));
      }
    }
    assertThat(clientA.lookup(jobOfB)).isEmpty();
    assertThat(clientA.cancel(jobOfB)).isFalse();
    assertThatThrownBy(() -> clientA.await(jobOfB, Duration.ofMillis(100)))
        .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
    // B's job is untouched, and B sees it.
    assertThat(clientB.lookup(jobOfB)).get().extracting(JobInfo::state)
        .isEqualTo(JobState.DELAYED);
  }

  @Test
  void aJobEnqueuedWatched_isWatchedByItsOwnConnection_withoutALookup_andStaysHiddenFromOthers() {
    String mine = clientA.enqueue(JobRequest.newBuilder("tenant-a", "f").delay(Duration.ofHours(1))
        .watched(true).build()).jobId();
    // Its own connection may watch it (it stays queued: the watch times out, it is not refused).
    assertThatThrownBy(() -> clientA.await(mine, Duration.ofMillis(100)))
        .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.code()).isEqualTo("TIMEOUT"));
    // Another tenant's connection gets exactly what it gets for a missing job.
    assertThatThrownBy(() -> clientB.await(mine, Duration.ofMillis(100)))
        .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
    assertThat(clientB.lookup(mine)).isEmpty();
  }

  @Test
  void workerToken_cannotProduce_norServeOtherFunctions() {
    try (CroupierClient asWorker = client(WORKER_F)) {
      assertThat(code(() -> asWorker.enqueue(JobRequest.newBuilder("tenant-a", "f").build())))
          .isEqualTo("PERMISSION_DENIED");
      assertThat(code(() -> asWorker.lookup(jobOfB))).isEqualTo("PERMISSION_DENIED");
    }
    try (Worker w = Worker.create(WorkerOptions.newBuilder()
        .address(Nodes.address(node)).token(WORKER_F).build())) {
      w.register(FunctionSpec.newBuilder("f").build(), 1, job -> {}).start();
      assertThat(w.awaitReady(Duration.ofSeconds(30))).isTrue();
      assertThat(code(() -> w.register(FunctionSpec.newBuilder("g").build(), 1, job -> {})))
          .isEqualTo("PERMISSION_DENIED");
    }
  }

  @Test
  void producerToken_cannotRegisterFunctions() {
    try (Worker w = Worker.create(WorkerOptions.newBuilder()
        .address(Nodes.address(node)).token(PRODUCER_A).build())) {
      w.start();
      assertThat(w.awaitReady(Duration.ofSeconds(30))).isTrue();
      assertThat(code(() -> w.register(FunctionSpec.newBuilder("f").build(), 1, job -> {})))
          .isEqualTo("PERMISSION_DENIED");
    }
  }

  @Test
  void conflictingFunctionConfig_isRefusedWithConflict() {
    try (Worker w = Worker.create(WorkerOptions.newBuilder()
        .address(Nodes.address(node)).token(ADMIN).build())) {
      w.start();
      assertThat(w.awaitReady(Duration.ofSeconds(30))).isTrue();
      assertThat(code(() -> w.register(FunctionSpec.newBuilder("f").concurrencyLimit(3).build(),
          1, job -> {}))).isEqualTo("CONFLICT");
    }
  }

  @Test
  void unknownToken_isUnauthenticated() throws IOException {
    assertThat(code(() -> client("not-a-real-token"))).isEqualTo("UNAUTHENTICATED");
    try (RawPeer raw = new RawPeer(node)) {
      assertThat(raw.hello("").getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
  }

  @Test
  void admin_seesEveryTenant() {
    try (CroupierClient admin = client(ADMIN)) {
      assertThat(admin.lookup(jobOfB)).isPresent();
    }
  }
}
