package dev.croupier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobMessagesTest {

  private static EnqueueItem.Builder item() {
    return EnqueueItem.newBuilder().setTenant("acme").setFunction("f");
  }

  @Test
  void headers_mapBothWays_inItemsDispatchesAndStatuses() {
    Map<String, String> h = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-note", "é & =");
    JobRequest r = JobRequest.newBuilder("acme", "f").headers(h).build();
    EnqueueItem wire = JobMessages.item(r);
    assertThat(wire.getHeadersMap()).isEqualTo(h);
    assertThat(JobMessages.request(wire).options().headers()).isEqualTo(h);
    assertThat(JobMessages.request(item().putHeaders("X-Upper", "v").build()).options().headers())
        .as("names arrive case-insensitive").isEqualTo(Map.of("x-upper", "v"));

    LeasedJob job = new LeasedJob("0-j", "acme", "f", new byte[0], 1, 3, Map.of(),
        Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(1_000), h, "tok");
    assertThat(JobMessages.leasedJob(JobMessages.dispatch(job, Duration.ofSeconds(30))).headers()).isEqualTo(h);
    JobInfo info = new JobInfo("0-j", "acme", "f", JobState.QUEUED, 0, 3, null, Instant.ofEpochMilli(1_000),
        Instant.ofEpochMilli(1_000), null, Map.of(), h);
    assertThat(JobMessages.info(JobMessages.status(info)).headers()).isEqualTo(h);
    assertThat(JobMessages.item(JobRequest.of("acme", "f", new byte[0])).getHeadersCount()).isZero();
  }

  @Test
  void request_whenHeadersBreakALimit_isRefusedNamingTheHeader() {
    assertThatThrownBy(() -> JobMessages.request(item().putHeaders("a b", "v").build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("header name 'a b' is invalid");
  }

  @Test
  void request_whenTimesInRange_keepsThem() {
    JobRequest r = JobMessages.request(item().setRunAtMs(1_700_000_000_000L)
        .setDelayMs(5).setPriorityMs(7).build());
    assertThat(r.options().runAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(r.options().delay()).isEqualTo(Duration.ofMillis(5));
    assertThat(r.options().priority()).isEqualTo(Duration.ofMillis(7));
  }

  @Test
  void request_whenDelayOverflows_isRefused() {
    // 2^63-1: added to now it wrapped to a time in the past, and the job ran at once.
    assertThatThrownBy(() -> JobMessages.request(item().setDelayMs(Long.MAX_VALUE).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay_ms")
        .hasMessageContaining("3153600000000");
  }

  @Test
  void request_whenRunAtIsBeyondSignedRange_isRefusedNotReadAsNow() {
    // 2^64-1 arrives as the long -1, which was read as "no run-at": run now.
    assertThatThrownBy(() -> JobMessages.request(item().setRunAtMs(-1L).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run_at_ms")
        .hasMessageContaining("18446744073709551615")
        .hasMessageContaining("253402300799999");
  }

  @Test
  void request_whenRunAtPastYear9999_isRefused() {
    assertThatThrownBy(() -> JobMessages.request(item().setRunAtMs(Long.MAX_VALUE).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run_at_ms");
  }

  @Test
  void request_whenPriorityOverflows_isRefused() {
    assertThatThrownBy(() -> JobMessages.request(item().setPriorityMs(Long.MIN_VALUE).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("priority_ms");
  }

  @Test
  void outcome_whenRetryAfterOverflows_isRefused() {
    Complete c = Complete.newBuilder().setJobId("j").setAttempt(1)
        .setRetry(Retry.newBuilder().setHasRetryAfter(true).setRetryAfterMs(Long.MAX_VALUE)).build();
    assertThatThrownBy(() -> JobMessages.outcome(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry_after_ms");
  }

  @Test
  void outcome_whenCostIsBeyondSignedRange_isRefused() {
    Complete c = Complete.newBuilder().setJobId("j").setAttempt(1).setCostMs(-5L)
        .setSuccess(dev.croupier.proto.v1.Success.getDefaultInstance()).build();
    assertThatThrownBy(() -> JobMessages.outcome(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cost_ms");
  }

  @Test
  void item_roundTripsThroughRequest() {
    JobRequest r = JobRequest.newBuilder("acme", "f").payload("p")
        .runAt(Instant.ofEpochMilli(1_700_000_000_000L)).priority(Duration.ofSeconds(3))
        .idempotencyKey("k").idempotencyWindow(Duration.ofSeconds(90)).watched(true).build();
    JobRequest back = JobMessages.request(JobMessages.item(r));
    assertThat(back.options()).isEqualTo(r.options());
    assertThat(back.options().idempotencyWindow()).isEqualTo(Duration.ofSeconds(90));
    assertThat(back.options().watched()).isTrue();
    assertThat(JobMessages.item(JobRequest.newBuilder("acme", "f").build()).getWatched()).isFalse();
  }

  @Test
  void item_withAnIdempotencyWindowOutOfRange_orWithoutAKey_isRefused() {
    EnqueueItem.Builder item = EnqueueItem.newBuilder().setTenant("acme").setFunction("f");
    assertThatThrownBy(() -> JobMessages.request(item.setIdempotencyWindowMs(5000).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an idempotencyKey");
    assertThatThrownBy(() -> JobMessages.request(item.setIdempotencyKey("k")
            .setIdempotencyWindowMs(31L * 24 * 3600 * 1000).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency_window_ms) must be between 1 and 2592000000 ms");
    assertThatThrownBy(() -> JobMessages.request(item.setIdempotencyKey("k").setIdempotencyWindowMs(-1L).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency_window_ms");
  }

  @Test
  void outcome_whenInRange_keepsRetryAfter() {
    LeasedJob job = new LeasedJob("j", "t", "f", new byte[0], 1, 3, Map.of(), Instant.now(), Instant.now(), Map.of(), "tok");
    Complete c = JobMessages.complete(job,
        new Outcome.Retry(Duration.ofSeconds(9), "later", Duration.ofMillis(3)));
    assertThat(JobMessages.outcome(c))
        .isEqualTo(new Outcome.Retry(Duration.ofSeconds(9), "later", Duration.ofMillis(3)));
  }
}
