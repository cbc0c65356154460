package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.engine.Engine;
import dev.croupier.node.config.Tokens;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Explain;
import dev.croupier.proto.v1.GetFunctionStats;
import dev.croupier.proto.v1.GetTenant;
import dev.croupier.proto.v1.GetTenantStats;
import dev.croupier.proto.v1.ListDeadLetters;
import dev.croupier.proto.v1.PurgeDeadLetters;
import dev.croupier.proto.v1.ReplayDeadLetters;
import dev.croupier.proto.v1.SetFunction;
import dev.croupier.proto.v1.SetTenant;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierAdmin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin messages under tokens: a producer of tenant A reads A and nothing else, and changes
 * nothing, through every admin request there is (the list is checked against the protocol's
 * Envelope, so a new admin request fails this test until it is covered); a worker token sends
 * none; an admin token all.
 */
class AdminIsolationTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final String PRODUCER_A = "producer-a-secret";
  static final String WORKER_F = "worker-f-secret";
  static final String ADMIN = "admin-secret-123";

  static Nodes nodes;
  static Node node;
  static String deadOfB;
  static String queuedOfB;

  @BeforeAll
  static void start() {
    nodes = new Nodes(REDIS);
    node = nodes.start(b -> b.tokens(Tokens.parse("test", List.of(
        PRODUCER_A + " producer tenant-a",
        WORKER_F + " worker f",
        ADMIN + " admin *"))));
    Engine engine = nodes.engine(0);
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    engine.configureTenant(new TenantConfig("tenant-b", 2.0, 7, false));
    engine.register(FunctionSpec.newBuilder("poison").build(), 1, job -> {
      throw new PermanentFailureException("cannot parse");
    });
    byte[] x = "x".getBytes(StandardCharsets.UTF_8);
    deadOfB = engine.enqueue("tenant-b", "poison", x, EnqueueOptions.DEFAULTS).jobId();
    queuedOfB = engine.enqueue("tenant-b", "f", x, EnqueueOptions.newBuilder().delay(Duration.ofHours(1)).build()).jobId();
    engine.enqueue("tenant-a", "f", x, EnqueueOptions.DEFAULTS);
    Await.until("tenant-b's poison job is dead", Duration.ofSeconds(20),
        () -> engine.lookup(deadOfB).map(j -> j.state() == JobState.DEAD).orElse(false));
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }

  /** Every admin request, aimed at tenant-b (or its jobs, or function f). */
  static Map<Envelope.BodyCase, Supplier<Envelope.Builder>> requestsAgainstB() {
    Map<Envelope.BodyCase, Supplier<Envelope.Builder>> m = new EnumMap<>(Envelope.BodyCase.class);
    m.put(Envelope.BodyCase.GET_TENANT_STATS, () -> Envelope.newBuilder()
        .setGetTenantStats(GetTenantStats.newBuilder().addTenants("tenant-b")));
    m.put(Envelope.BodyCase.GET_FUNCTION_STATS, () -> Envelope.newBuilder()
        .setGetFunctionStats(GetFunctionStats.newBuilder()));
    m.put(Envelope.BodyCase.GET_TENANT, () -> Envelope.newBuilder()
        .setGetTenant(GetTenant.newBuilder().setTenant("tenant-b")));
    m.put(Envelope.BodyCase.SET_TENANT, () -> Envelope.newBuilder()
        .setSetTenant(SetTenant.newBuilder().setTenant("tenant-b").setWeight(50).setPaused(true)));
    m.put(Envelope.BodyCase.SET_FUNCTION, () -> Envelope.newBuilder()
        .setSetFunction(SetFunction.newBuilder().setFunction("f").setPaused(true)));
    m.put(Envelope.BodyCase.LIST_DEAD_LETTERS, () -> Envelope.newBuilder()
        .setListDeadLetters(ListDeadLetters.newBuilder().setTenant("tenant-b")));
    m.put(Envelope.BodyCase.REPLAY_DEAD_LETTERS, () -> Envelope.newBuilder()
        .setReplayDeadLetters(ReplayDeadLetters.newBuilder().setTenant("tenant-b").setAll(true)));
    m.put(Envelope.BodyCase.PURGE_DEAD_LETTERS, () -> Envelope.newBuilder()
        .setPurgeDeadLetters(PurgeDeadLetters.newBuilder().setTenant("tenant-b").addJobIds(deadOfB)));
    m.put(Envelope.BodyCase.EXPLAIN, () -> Envelope.newBuilder()
        .setExplain(Explain.newBuilder().setJobId(queuedOfB)));
    return m;
  }

  /** The admin requests the protocol has: requests with Envelope field numbers 60-99. */
  static Set<Envelope.BodyCase> adminRequests() {
    return Arrays.stream(Envelope.BodyCase.values())
        .filter(c -> c.getNumber() >= 60 && c.getNumber() <= 99 && RequestRouter.isRequest(c))
        .collect(Collectors.toSet());
  }

  @Test
  void everyAdminRequest_isCovered() {
    assertThat(requestsAgainstB().keySet()).isEqualTo(adminRequests());
  }

  @Test
  void producerOfA_cannotReadOrChangeB_throughAnyAdminRequest() throws Exception {
    try (RawPeer raw = new RawPeer(node)) {
      assertThat(raw.hello(PRODUCER_A).hasWelcome()).isTrue();
      long cid = 10;
      for (Map.Entry<Envelope.BodyCase, Supplier<Envelope.Builder>> e : requestsAgainstB().entrySet()) {
        raw.send(e.getValue().get().setCorrelationId(++cid).build());
        Envelope reply = raw.read();
        assertThat(reply.getCorrelationId()).isEqualTo(cid);
        assertThat(reply.hasError()).as("%s answered %s", e.getKey(), reply.getBodyCase()).isTrue();
        assertThat(reply.getError().getCode()).as(e.getKey().name())
            .isIn(ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_FOUND);
      }
    }
    // Nothing of B changed.
    Engine engine = nodes.engine(0);
    assertThat(engine.tenantConfig("tenant-b")).isEqualTo(new TenantConfig("tenant-b", 2.0, 7, false));
    assertThat(engine.isFunctionPaused("f")).isFalse();
    assertThat(engine.lookup(deadOfB).orElseThrow().state()).isEqualTo(JobState.DEAD);
  }

  @Test
  void workerToken_sendsNoAdminRequest() throws Exception {
    try (RawPeer raw = new RawPeer(node)) {
      assertThat(raw.hello(WORKER_F).hasWelcome()).isTrue();
      long cid = 10;
      for (Map.Entry<Envelope.BodyCase, Supplier<Envelope.Builder>> e : requestsAgainstB().entrySet()) {
        raw.send(e.getValue().get().setCorrelationId(++cid).build());
        Envelope reply = raw.read();
        assertThat(reply.getError().getCode()).as(e.getKey().name()).isEqualTo(ErrorCode.PERMISSION_DENIED);
      }
    }
  }

  @Test
  void producerOfA_readsItsOwnTenant_andOnlyIt() {
    try (CroupierAdmin a = admin(PRODUCER_A)) {
      assertThat(a.tenant("tenant-a")).isEqualTo(TenantConfig.defaults("tenant-a"));
      var page = a.tenantStats(TenantStatsQuery.first(TenantStatsQuery.Sort.BY_NAME, 100));
      assertThat(page.items()).extracting(t -> t.tenant()).containsExactly("tenant-a");
      assertThat(a.deadLetters("tenant-a", null, 10).items()).isEmpty();
    }
  }

  @Test
  void adminToken_readsAndChangesEverything() {
    try (CroupierAdmin admin = admin(ADMIN)) {
      assertThat(admin.tenant("tenant-b").weight()).isEqualTo(2.0);
      var page = admin.tenantStats(TenantStatsQuery.first(TenantStatsQuery.Sort.BY_NAME, 100));
      assertThat(page.items()).extracting(t -> t.tenant()).contains("tenant-a", "tenant-b");
      assertThat(admin.deadLetters("tenant-b", null, 10).items()).extracting(j -> j.id()).containsExactly(deadOfB);
      assertThat(admin.explain(queuedOfB).orElseThrow().reason().kind())
          .isEqualTo(dev.croupier.api.admin.Reason.Kind.DELAYED);
      assertThat(admin.function("f").registration())
          .isEqualTo(dev.croupier.api.admin.FunctionStats.Registration.CONFIGURED);
      assertThat(admin.changeTenant(new CroupierAdmin.TenantChange("tenant-c", 3.0, null, null)))
          .isEqualTo(new TenantConfig("tenant-c", 3.0, 0, false));
    }
  }

  static CroupierAdmin admin(String token) {
    return CroupierAdmin.connect(ClientOptions.newBuilder().address(Nodes.address(node)).token(token).build());
  }
}
