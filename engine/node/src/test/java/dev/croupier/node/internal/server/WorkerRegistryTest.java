package dev.croupier.node.internal.server;

import dev.croupier.protocol.JobMessages;
import dev.croupier.node.config.Principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.LeasedJob;
import dev.croupier.proto.v1.Envelope;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerRegistryTest {

  final AtomicInteger wakes = new AtomicInteger();
  final List<String> dispatched = new ArrayList<>();
  final Map<Peer, String> names = new java.util.HashMap<>();
  final WorkerRegistry registry = new WorkerRegistry(wakes::incrementAndGet,
      (peer, jobs) -> jobs.forEach(job -> {
        dispatched.add(names.get(peer) + ":" + job.id());
        peer.send(Envelope.newBuilder().setDispatch(
            JobMessages.dispatch(job, Duration.ofSeconds(30))).build());
      }));

  Peer peer(String name) {
    Peer p = new Peer(new EmbeddedChannel(), Principal.LOCAL, name, false);
    names.put(p, name);
    p.functions().put("f", FunctionSpec.newBuilder("f").build());
    registry.add(p, "f");
    return p;
  }

  static LeasedJob job(String id) {
    return new LeasedJob(id, "t", "f", new byte[0], 1, 5, Map.of(),
        Instant.now().plusSeconds(30), Instant.now(), Map.of(), "token-" + id);
  }

  @Test
  void dispatch_whenNoCredits_holdsJobs() {
    peer("a");
    assertThat(registry.functions()).isEmpty();
    assertThat(registry.reserve("f", 10)).isZero();
  }

  @Test
  void grant_offersTheFunction_andWakesClaimers() {
    Peer a = peer("a");
    assertThat(registry.grant(a, "f", 3)).isTrue();
    assertThat(registry.functions()).containsExactly("f");
    assertThat(wakes.get()).isEqualTo(1);
    assertThat(registry.reserve("f", 10)).isEqualTo(3);
    assertThat(registry.functions()).isEmpty();
  }

  @Test
  void grant_forUnregisteredFunction_isRefused() {
    Peer a = peer("a");
    assertThat(registry.grant(a, "g", 3)).isFalse();
  }

  @Test
  void reserve_spreadsOverConnections_andDeliverWritesDispatch() {
    Peer a = peer("a");
    Peer b = peer("b");
    registry.grant(a, "f", 2);
    registry.grant(b, "f", 2);
    assertThat(registry.reserve("f", 2)).isEqualTo(2);
    registry.deliver(job("j1"));
    registry.deliver(job("j2"));
    assertThat(dispatched).containsExactlyInAnyOrder("a:j1", "b:j2");
    ((EmbeddedChannel) a.channel()).runPendingTasks(); // the outbox writes on the event loop
    Envelope sent = ((EmbeddedChannel) a.channel()).readOutbound();
    assertThat(sent.getDispatch().getJobId()).isEqualTo("j1");
    assertThat(sent.getDispatch().getLeaseToken().toStringUtf8()).as("the lease's secret goes with it")
        .isEqualTo("token-j1");
    assertThat(registry.available(a, "f") + registry.available(b, "f")).isEqualTo(2);
  }

  @Test
  void deliverAll_givesEachConnectionItsShareInOneGo() {
    List<String> calls = new ArrayList<>();
    WorkerRegistry r = new WorkerRegistry(() -> { },
        (peer, jobs) -> calls.add(names.get(peer) + ":" + jobs.stream().map(LeasedJob::id).toList()));
    Peer a = new Peer(new EmbeddedChannel(), Principal.LOCAL, "a", true);
    Peer b = new Peer(new EmbeddedChannel(), Principal.LOCAL, "b", true);
    names.put(a, "a");
    names.put(b, "b");
    for (Peer p : List.of(a, b)) {
      p.functions().put("f", FunctionSpec.newBuilder("f").build());
      r.add(p, "f");
      r.grant(p, "f", 2);
    }
    assertThat(r.reserve("f", 4)).isEqualTo(4);
    r.deliverAll(List.of(job("j1"), job("j2"), job("j3"), job("j4")));
    assertThat(calls).containsExactly("a:[j1, j2]", "b:[j3, j4]");
  }

  @Test
  void release_returnsUnusedReservations() {
    Peer a = peer("a");
    registry.grant(a, "f", 4);
    int wakesAfterGrant = wakes.get();
    assertThat(registry.reserve("f", 4)).isEqualTo(4);
    registry.release("f", 3);
    assertThat(registry.available(a, "f")).isEqualTo(3);
    assertThat(registry.functions()).containsExactly("f");
    assertThat(wakes.get()).as("returned reservations wake no claim loop (an empty round would"
        + " wake the next one: a busy spin)").isEqualTo(wakesAfterGrant);
  }

  @Test
  void removeAll_whenLastWorkerLeaves_stopsOfferingTheFunction() {
    Peer a = peer("a");
    Peer b = peer("b");
    registry.grant(a, "f", 1);
    registry.grant(b, "f", 1);
    registry.removeAll(a);
    assertThat(registry.functions()).containsExactly("f");
    registry.removeAll(b);
    assertThat(registry.functions()).isEmpty();
    assertThat(registry.reserve("f", 5)).isZero();
  }

  @Test
  void deliver_whenHolderLeftAfterReserving_fallsBackToAnotherCredit() {
    Peer a = peer("a");
    Peer b = peer("b");
    registry.grant(a, "f", 1);
    assertThat(registry.reserve("f", 1)).isEqualTo(1);
    registry.removeAll(a);
    registry.grant(b, "f", 1);
    registry.deliver(job("j1"));
    assertThat(dispatched).containsExactly("b:j1");
  }

  @Test
  void revokeCredits_whenDraining_stopsDispatches() {
    Peer a = peer("a");
    registry.grant(a, "f", 5);
    a.drain();
    registry.revokeCredits(a);
    assertThat(registry.functions()).isEmpty();
    assertThat(registry.reserve("f", 5)).isZero();
  }
}
