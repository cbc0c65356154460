package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.node.config.Tokens;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.EnqueueBatch;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.FunctionRegistration;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.KeyedLimit;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Ping;
import dev.croupier.proto.v1.RegisterFunctions;
import dev.croupier.proto.v1.Success;
import dev.croupier.proto.v1.UnregisterFunctions;
import dev.croupier.proto.v1.Watch;
import dev.croupier.embeddedredis.EmbeddedRedis;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.net.URI;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import org.junit.jupiter.api.Test;

/**
 * Every request is bounded: out-of-range values and oversized lists are refused with an error
 * that names the field, and no request makes the node do unbounded work.
 */
class BoundedRequestsTest extends OneNodeTest {

  static RawPeer connected() throws IOException {
    RawPeer peer = new RawPeer(node);
    assertThat(peer.hello("").hasWelcome()).isTrue();
    return peer;
  }

  static Envelope enqueue(long cid, EnqueueItem.Builder item) {
    return Envelope.newBuilder().setCorrelationId(cid)
        .setEnqueue(Enqueue.newBuilder().setItem(item.setTenant("acme").setFunction("f"))).build();
  }

  static long redisCommandsProcessed() {
    try (Jedis redis = new Jedis(URI.create(REDIS.url()))) {
      return redis.info("stats").lines()
          .filter(l -> l.startsWith("total_commands_processed:"))
          .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
          .findFirst().orElseThrow();
    }
  }

  /** Sends {@code request} (id 7) and expects INVALID_REQUEST naming the field, count and maximum. */
  static void assertRefused(Envelope.Builder request, String... mentions) throws IOException {
    try (RawPeer peer = connected()) {
      peer.send(request.setCorrelationId(7).build());
      Envelope reply = peer.read();
      assertThat(reply.getCorrelationId()).isEqualTo(7);
      assertThat(reply.getError().getCode()).as("%s", reply).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(reply.getError().getMessage()).contains(mentions);
    }
  }

  @Test
  void heartbeat_withHundredThousandLeases_isRefused_withoutAStormOfRedisCommands() throws IOException {
    Heartbeat.Builder hb = Heartbeat.newBuilder();
    for (int i = 0; i < 100_000; i++) {
      hb.addLeases(LeaseRef.newBuilder().setJobId(String.format("0-%026d", i)).setAttempt(1));
    }
    long before = redisCommandsProcessed();
    assertRefused(Envelope.newBuilder().setHeartbeat(hb), "Heartbeat.leases", "100000",
        "1000");
    // It issued about 100,000 lookups (200,000 commands for leases it held). The claim loops
    // poll meanwhile, so allow some.
    assertThat(redisCommandsProcessed() - before).isLessThan(5_000);
  }

  @Test
  void complete_withHugeJobId_isRefusedNamingTheField() throws IOException {
    assertRefused(Envelope.newBuilder().setComplete(Complete.newBuilder().setJobId("0-" + "x".repeat(10_000))
        .setAttempt(1).setSuccess(Success.getDefaultInstance())), "Complete.job_id", "10002", "128");
  }

  @Test
  void enqueueBatch_overLimit_isRefusedNamingTheField() throws IOException {
    EnqueueBatch.Builder batch = EnqueueBatch.newBuilder();
    EnqueueItem item = EnqueueItem.newBuilder().setTenant("acme").setFunction("f").build();
    for (int i = 0; i <= 10_000; i++) {
      batch.addItems(item);
    }
    assertRefused(Envelope.newBuilder().setEnqueueBatch(batch), "EnqueueBatch.items", "10001",
        "10000");
  }

  @Test
  void enqueue_withTooManyConcurrencyKeys_isRefusedNamingTheField() throws IOException {
    EnqueueItem.Builder item = EnqueueItem.newBuilder().setTenant("acme").setFunction("f");
    for (int i = 0; i < 5; i++) {
      item.putConcurrencyKeys("k" + i, "v");
    }
    assertRefused(Envelope.newBuilder().setEnqueue(Enqueue.newBuilder().setItem(item)),
        "Enqueue.item.concurrency_keys", "5", "4");
  }

  @Test
  void registerFunctions_overLimit_isRefusedNamingTheField() throws IOException {
    RegisterFunctions.Builder reg = RegisterFunctions.newBuilder();
    for (int i = 0; i <= 100; i++) {
      reg.addFunctions(FunctionRegistration.newBuilder().setSpec(
          dev.croupier.proto.v1.FunctionSpec.newBuilder().setName("fn-" + i)));
    }
    assertRefused(Envelope.newBuilder().setRegisterFunctions(reg), "RegisterFunctions.functions",
        "101", "100");
  }

  @Test
  void registerFunctions_withTooManyKeyedLimits_isRefusedBeforeBuildingThem() throws IOException {
    var spec = dev.croupier.proto.v1.FunctionSpec.newBuilder().setName("keyed");
    for (int i = 0; i < 50_000; i++) {
      spec.addKeyedLimits(KeyedLimit.newBuilder().setKey("k" + i).setLimit(1));
    }
    assertRefused(Envelope.newBuilder().setRegisterFunctions(RegisterFunctions.newBuilder()
        .addFunctions(FunctionRegistration.newBuilder().setSpec(spec))), "keyed_limits", "50000");
  }

  @Test
  void credits_overLimit_areRefusedNamingTheField() throws IOException {
    Credits.Builder credits = Credits.newBuilder();
    for (int i = 0; i <= 100; i++) {
      credits.putGrants("fn-" + i, 1);
    }
    assertRefused(Envelope.newBuilder().setCredits(credits), "Credits.grants", "101", "100");
  }

  @Test
  void unregisterFunctions_overLimit_isRefusedNamingTheField() throws IOException {
    UnregisterFunctions.Builder unreg = UnregisterFunctions.newBuilder();
    for (int i = 0; i <= 100; i++) {
      unreg.addFunctions("fn-" + i);
    }
    assertRefused(Envelope.newBuilder().setUnregisterFunctions(unreg),
        "UnregisterFunctions.functions", "101", "100");
  }

  static Envelope lookup(long cid) {
    return Envelope.newBuilder().setCorrelationId(cid)
        .setLookup(Lookup.newBuilder().setJobId("0-00000000000000000000000000")).build();
  }

  @Test
  void requests_overTheInFlightCap_areRefusedAtOnce_andOthersStayServed() throws IOException {
    // A Redis of its own, which the test pauses so that requests stay in flight.
    try (EmbeddedRedis redis = EmbeddedRedis.start();
        Nodes own = new Nodes(redis.url(), "in-flight");
        Jedis admin = new Jedis(URI.create(redis.url()))) {
      Node capped = own.start(b -> b.maxRequestsInFlight(4));
      try (RawPeer greedy = new RawPeer(capped); RawPeer other = new RawPeer(capped)) {
        assertThat(greedy.hello("").hasWelcome()).isTrue();
        assertThat(other.hello("").hasWelcome()).isTrue();
        admin.clientPause(3_000);
        long start = System.nanoTime();
        for (long cid = 10; cid < 16; cid++) {
          greedy.send(lookup(cid));
        }
        List<Envelope> refused = List.of(greedy.read(), greedy.read());
        assertThat(refused).extracting(Envelope::getCorrelationId).containsExactlyInAnyOrder(14L, 15L);
        assertThat(refused).allSatisfy(r -> {
          assertThat(r.getError().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
          assertThat(r.getError().getMessage()).contains("4 requests", "maxRequestsInFlight");
        });
        other.send(Envelope.newBuilder().setCorrelationId(3).setPing(Ping.getDefaultInstance()).build());
        assertThat(other.read().hasPong()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("answered while Redis was paused").isLessThan(Duration.ofMillis(2_500));
        for (int i = 0; i < 4; i++) {
          assertThat(greedy.read().getError().getCode()).isEqualTo(ErrorCode.NOT_FOUND);
        }
        greedy.send(lookup(20)); // slots are free again
        assertThat(greedy.read().getCorrelationId()).isEqualTo(20);
      }
    }
  }

  @Test
  void watches_overThePerConnectionCap_areRefused() throws IOException {
    try (Nodes own = new Nodes(REDIS); RawPeer peer = new RawPeer(own.start(b -> b.maxWatchesPerConnection(3)))) {
      own.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
      assertThat(peer.hello("").hasWelcome()).isTrue();
      String job = own.engine(0).enqueue(dev.croupier.api.JobRequest.newBuilder("acme", "f")
          .delay(Duration.ofHours(1)).build()).jobId();
      for (long cid = 10; cid < 14; cid++) {
        peer.send(Envelope.newBuilder().setCorrelationId(cid)
            .setWatch(Watch.newBuilder().setJobId(job).setTimeoutMs(60_000)).build());
      }
      // Requests are handled concurrently: whichever of the four came last to a slot is refused,
      // and the other three wait (their jobs stay queued for an hour).
      Envelope refused = peer.read();
      assertThat(refused.getCorrelationId()).isBetween(10L, 13L);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
      assertThat(refused.getError().getMessage()).contains("3 watches", "maxWatchesPerConnection");
    }
  }

  static Envelope register(long cid, String... functions) {
    RegisterFunctions.Builder reg = RegisterFunctions.newBuilder();
    for (String f : functions) {
      reg.addFunctions(FunctionRegistration.newBuilder()
          .setSpec(dev.croupier.proto.v1.FunctionSpec.newBuilder().setName(f)));
    }
    return Envelope.newBuilder().setCorrelationId(cid).setRegisterFunctions(reg).build();
  }

  static Envelope call(RawPeer peer, Envelope request) throws IOException {
    peer.send(request);
    Envelope reply = peer.read();
    assertThat(reply.getCorrelationId()).as("%s", reply).isEqualTo(request.getCorrelationId());
    return reply;
  }

  @Test
  void registerFunctions_overTheTokensQuota_isRefused_acrossItsConnections() throws IOException {
    try (Nodes own = new Nodes(REDIS)) {
      Node quoted = own.start(b -> b.maxFunctionsPerToken(3).tokens(Tokens.parse("test", List.of(
          "worker-a-secret worker *", "worker-b-secret worker *"))));
      try (RawPeer a1 = new RawPeer(quoted); RawPeer a2 = new RawPeer(quoted);
          RawPeer b = new RawPeer(quoted)) {
        for (RawPeer p : List.of(a1, a2)) {
          assertThat(p.hello("worker-a-secret").hasWelcome()).isTrue();
        }
        assertThat(b.hello("worker-b-secret").hasWelcome()).isTrue();
        assertThat(call(a1, register(2, "q1", "q2")).hasFunctionsRegistered()).isTrue();
        // q2 counts once though two connections of the token serve it.
        assertThat(call(a2, register(3, "q2", "q3")).hasFunctionsRegistered()).isTrue();
        Envelope refused = call(a2, register(4, "q4"));
        assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(refused.getError().getMessage())
            .contains("worker@line1", "3 function(s)", "at most 3", "maxFunctionsPerToken")
            .doesNotContain("worker-a-secret");
        // Another token has a quota of its own.
        assertThat(call(b, register(2, "q4", "q5", "q6")).hasFunctionsRegistered()).isTrue();
        // Unregistering frees room, but only once no connection of the token serves it.
        call(a1, Envelope.newBuilder().setCorrelationId(5).setUnregisterFunctions(
            UnregisterFunctions.newBuilder().addFunctions("q2")).build());
        assertThat(call(a2, register(6, "q4")).getError().getCode())
            .isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        call(a1, Envelope.newBuilder().setCorrelationId(7).setUnregisterFunctions(
            UnregisterFunctions.newBuilder().addFunctions("q1")).build());
        assertThat(call(a2, register(8, "q4")).hasFunctionsRegistered()).isTrue();
      }
      // Closed connections give their functions back.
      try (RawPeer a3 = new RawPeer(quoted)) {
        assertThat(a3.hello("worker-a-secret").hasWelcome()).isTrue();
        Await.until("closed connections release their functions", Duration.ofSeconds(10), () -> {
          try {
            return call(a3, register(9, "r1", "r2", "r3")).hasFunctionsRegistered();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
      }
    }
  }

  @Test
  void registeredFunction_livesWhileServed_andExpiresOnceNobodyServesIt() throws Exception {
    try (Nodes own = new Nodes(REDIS, b -> b.registeredFunctionLifetime(Duration.ofSeconds(1)));
        UnifiedJedis redis = REDIS.client()) {
      Node node = own.start();
      String key = own.namespace() + ":{c:0}:cfg:fn:short-lived";
      try (RawPeer worker = new RawPeer(node)) {
        assertThat(worker.hello("").hasWelcome()).isTrue();
        assertThat(call(worker, register(2, "short-lived")).hasFunctionsRegistered()).isTrue();
        assertThat(redis.pttl(key)).isBetween(1L, 1_000L);
        Thread.sleep(2_500); // the node registers it again while its worker is connected
        assertThat(redis.exists(key)).isTrue();
      }
      Await.until("the config expires once no worker serves it", Duration.ofSeconds(10),
          () -> !redis.exists(key));
    }
  }

  @Test
  void enqueue_whenDelayOverflows_isRefused() throws IOException {
    try (RawPeer peer = connected()) {
      peer.send(enqueue(2, EnqueueItem.newBuilder().setDelayMs(Long.MAX_VALUE)));
      Envelope reply = peer.read();
      assertThat(reply.getError().getCode()).as("%s", reply).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(reply.getError().getMessage()).contains("delay_ms");
    }
  }

  @Test
  void enqueue_whenRunAtIsAnUnsignedHugeValue_isRefusedNotRunNow() throws IOException {
    try (RawPeer peer = connected()) {
      peer.send(enqueue(2, EnqueueItem.newBuilder().setRunAtMs(-1L)));
      Envelope reply = peer.read();
      assertThat(reply.getError().getCode()).as("%s", reply).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(reply.getError().getMessage()).contains("run_at_ms", "18446744073709551615");
    }
  }
}
