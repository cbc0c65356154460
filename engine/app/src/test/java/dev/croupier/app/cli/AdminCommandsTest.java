package dev.croupier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.app.cli.EnqueueCommandTest.Run;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.node.config.Tokens;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin commands against a real node, a worker and a producer: each command's output (table
 * and JSON) and its exit codes.
 */
class AdminCommandsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final String ADMIN = "admin-token-1234";
  static final String PRODUCER = "producer-acme-1234";
  static final ObjectMapper JSON = new ObjectMapper();

  static EngineRuntime engine;
  static NodeServer node;
  static Worker worker;
  static CroupierClient producer;

  @BeforeAll
  static void start() {
    engine = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).build());
    node = NodeServer.start(engine, ServerOptions.newBuilder().host("127.0.0.1").port(0)
        .tokens(Tokens.parse("test", List.of(ADMIN + " admin *", PRODUCER + " producer acme",
            "worker-token-1234 worker *"))).build());
    worker = Worker.create(WorkerOptions.newBuilder().address(address()).token("worker-token-1234").build())
        .register(FunctionSpec.newBuilder("ok").build(), 8, job -> {})
        .register(FunctionSpec.newBuilder("broken").retry(new dev.croupier.api.RetryPolicy(1,
            Duration.ofMillis(10), 1.0, Duration.ofMillis(10))).build(), 8, job -> {
          throw new PermanentFailureException("always fails");
        })
        .start();
    assertThat(worker.awaitReady(Duration.ofSeconds(30))).isTrue();
    producer = CroupierClient.connect(ClientOptions.newBuilder().address(address()).token(PRODUCER).build());
  }

  @AfterAll
  static void stop() {
    producer.close();
    worker.close();
    node.close();
    engine.close();
  }

  static String address() {
    return "127.0.0.1:" + node.address().getPort();
  }

  static Run admin(String... args) {
    return as(ADMIN, args);
  }

  static Run as(String token, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--connect";
    all[args.length + 1] = address();
    all[args.length + 2] = "--token";
    all[args.length + 3] = token;
    return EnqueueCommandTest.run(all);
  }

  static JsonNode json(Run r) throws Exception {
    assertThat(r.exit()).as("exit; stderr: %s", r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void tenantSetGetList_changeAndShowThePlan() throws Exception {
    Run set = admin("tenant", "set", "acme", "--weight", "3", "--limit", "5");
    assertThat(set.exit()).as(set.err()).isZero();
    assertThat(set.out()).contains("weight", "3.000").contains("concurrency_limit  5");

    JsonNode got = json(admin("tenant", "get", "acme", "--json"));
    assertThat(got.get("weight").asDouble()).isEqualTo(3.0);
    assertThat(got.get("concurrency_limit").asInt()).isEqualTo(5);

    JsonNode paused = json(admin("tenant", "set", "acme", "--pause", "--json"));
    assertThat(paused.get("paused").asBoolean()).isTrue();
    assertThat(json(admin("tenant", "set", "acme", "--resume", "--limit", "0", "--json")).get("paused").asBoolean()).isFalse();

    producer.enqueue(JobRequest.newBuilder("acme", "ok").delay(Duration.ofHours(1)).build());
    JsonNode list = json(admin("tenant", "list", "--sort", "name", "--json"));
    assertThat(list.get("items").findValuesAsText("tenant")).contains("acme");
    Run table = admin("tenant", "list");
    assertThat(table.out()).contains("TENANT", "QUEUED", "acme");
  }

  @Test
  void functionGetSetList() throws Exception {
    JsonNode set = json(admin("function", "set", "ok", "--limit", "4", "--max-attempts", "7", "--lease", "45s", "--json"));
    assertThat(set.get("concurrency_limit").asInt()).isEqualTo(4);
    assertThat(set.get("max_attempts").asInt()).isEqualTo(7);
    assertThat(set.get("lease_ms").asLong()).isEqualTo(45_000);
    assertThat(set.get("registration").asText()).isEqualTo("configured");
    assertThat(set.get("workers").asInt()).isEqualTo(1);

    JsonNode got = json(admin("function", "get", "ok", "--json"));
    assertThat(got.get("concurrency_limit").asInt()).isEqualTo(4);
    assertThat(admin("function", "list").out()).contains("FUNCTION", "ok", "broken");
    assertThat(admin("function", "get", "no-such-fn").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(admin("function", "set", "ok").exit()).as("nothing to change").isEqualTo(ExitCodes.USAGE);
    assertThat(admin("function", "set", "ok", "--lease", "soon").exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void dlqListReplayPurge() throws Exception {
    String id = producer.enqueue(JobRequest.newBuilder("acme", "broken").build()).jobId();
    assertThat(producer.awaitCompletion(id, Duration.ofSeconds(20)).get().state()).isEqualTo(JobState.DEAD);

    JsonNode list = json(admin("dlq", "list", "acme", "--json"));
    assertThat(list.get("items").findValuesAsText("id")).contains(id);
    assertThat(admin("dlq", "list", "acme").out()).contains(id, "always fails");

    JsonNode replayed = json(admin("dlq", "replay", "acme", id, "--json"));
    assertThat(replayed.get("replayed").asLong()).isEqualTo(1);
    assertThat(producer.awaitCompletion(id, Duration.ofSeconds(20)).get().state()).isEqualTo(JobState.DEAD);

    assertThat(admin("dlq", "purge", "acme", "--all").out()).contains("purged");
    assertThat(producer.lookup(id)).isEmpty();
    assertThat(admin("dlq", "replay", "acme", id).exit()).as("no longer dead").isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(admin("dlq", "replay", "acme").exit()).as("ids or --all").isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void jobGetExplainCancel() throws Exception {
    String id = producer.enqueue(JobRequest.newBuilder("acme", "ok").delay(Duration.ofHours(1)).build()).jobId();
    assertThat(json(admin("job", "get", id, "--json")).get("state").asText()).isEqualTo("delayed");
    JsonNode why = json(admin("job", "explain", id, "--json"));
    assertThat(why.get("reason").asText()).isEqualTo("DELAYED");
    assertThat(why.get("details").get("until").asText()).isNotEmpty();
    assertThat(admin("job", "explain", id).out()).contains("reason", "DELAYED", "delayed until");

    assertThat(as(PRODUCER, "job", "explain", id).exit()).as("its own tenant's job").isZero();
    assertThat(json(admin("job", "cancel", id, "--json")).get("cancelled").asBoolean()).isTrue();
    assertThat(admin("job", "cancel", id).exit()).as("already final").isEqualTo(ExitCodes.FAILED);
    assertThat(admin("job", "get", "0-00000000000000000000000000").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(admin("job", "explain", "0-00000000000000000000000000").exit()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void exitCodes_forPermissionUsageAndUnavailable() {
    assertThat(as(PRODUCER, "tenant", "set", "acme", "--weight", "2").exit()).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(as(PRODUCER, "tenant", "get", "globex").exit()).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(as(PRODUCER, "tenant", "get", "acme").exit()).isZero();
    assertThat(as(PRODUCER, "dlq", "purge", "acme", "--all").exit()).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(as("wrong-token-999", "tenant", "list").exit()).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(admin("tenant", "set", "acme").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(admin("tenant", "list", "--sort", "size").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(admin("tenant", "set", "acme", "--weight", "-1").exit()).isEqualTo(ExitCodes.USAGE);
    Run away = EnqueueCommandTest.run("tenant", "list", "--connect", "127.0.0.1:1", "--token", ADMIN);
    assertThat(away.exit()).as(away.err()).isEqualTo(ExitCodes.UNAVAILABLE);
  }

  @Test
  void top_redrawsAPageOfTenants() {
    producer.enqueue(JobRequest.newBuilder("acme", "ok").delay(Duration.ofHours(1)).build());
    Run r = admin("top", "--iterations", "2", "--interval", "100ms", "--rows", "5");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().split("croupier top", -1)).hasSize(3);
    assertThat(r.out()).contains("TENANT", "SERVED%", "WEIGHT%", "acme");
    assertThat(admin("top", "--rows", "0").exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void enqueueWait_showsProgress_onStderr() {
    Run r = as(PRODUCER, "enqueue", "--tenant", "acme", "--function", "ok", "--count", "50", "--wait", "--progress");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("waiting: 50/50 finished (0 failed)");
    assertThat(r.out()).contains("done=50");
  }
}
