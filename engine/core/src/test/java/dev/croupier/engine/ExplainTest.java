package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobState;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.RetryPolicy;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.Reason;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each reason {@code explain} gives, staged against a real Redis through the real scripts: the
 * answer names the constraint and its numbers.
 */
class ExplainTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final byte[] PAYLOAD = "x".getBytes(StandardCharsets.UTF_8);

  private FakeClock clock;
  private EngineRuntime runtime;
  private Engine engine;

  @BeforeEach
  void setUp() {
    clock = FakeClock.atNow();
    runtime = EngineRuntime.host(REDIS.newOptions()
        .scavengeInterval(Duration.ofDays(1)).clock(clock).build());
    engine = runtime.engine();
  }

  @AfterEach
  void tearDown() {
    runtime.close();
  }

  private String enqueue(String tenant, String function, EnqueueOptions options) {
    return engine.enqueue(tenant, function, PAYLOAD, options).jobId();
  }

  private String enqueue(String tenant, String function) {
    return enqueue(tenant, function, EnqueueOptions.DEFAULTS);
  }

  private Explanation explain(String id) {
    return engine.explain(id).orElseThrow();
  }

  /** A sink holding every job it gets (never completes one) with {@code credits} credits. */
  private HoldingSink holding(String function, int credits) {
    HoldingSink sink = new HoldingSink(function, credits);
    runtime.leases().attach(sink);
    return sink;
  }

  @Test
  void unknownJob_hasNoExplanation() {
    assertThat(engine.explain("0-01M8QA7AGEM28MKEVBA27GKW7C")).isEmpty();
  }

  @Test
  void delayed_untilItsRunAt() {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    String id = enqueue("t1", "f", EnqueueOptions.newBuilder().delay(Duration.ofMinutes(5)).build());
    Explanation e = explain(id);
    assertThat(e.state()).isEqualTo(JobState.DELAYED);
    assertThat(e.reason()).isEqualTo(new Reason.Delayed(clock.instant().plus(Duration.ofMinutes(5))));
    assertThat(e.reason().kind().number()).isEqualTo(3);
  }

  @Test
  void backingOff_afterAFailedAttempt_withItsError() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f")
        .retry(new RetryPolicy(5, Duration.ofMinutes(1), 2.0, Duration.ofMinutes(10))).build());
    HoldingSink sink = holding("f", 1);
    String id = enqueue("t1", "f");
    LeasedJob job = sink.next();
    runtime.leases().complete(id, job.leaseToken(), new Outcome.Retry(Duration.ofMinutes(2), "provider down", Duration.ZERO));
    Explanation e = explain(id);
    assertThat(e.reason()).isEqualTo(new Reason.BackingOff(clock.instant().plus(Duration.ofMinutes(2)), 1, "provider down"));
  }

  @Test
  void tenantPaused() {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    holding("f", 0);
    engine.pauseTenant("t1");
    String id = enqueue("t1", "f");
    assertThat(explain(id).reason()).isEqualTo(new Reason.TenantPaused("t1"));
  }

  @Test
  void functionPaused() {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    holding("f", 0);
    engine.pauseFunction("f");
    String id = enqueue("t1", "f");
    assertThat(explain(id).reason()).isEqualTo(new Reason.FunctionPaused("f"));
  }

  @Test
  void functionAtItsLimit_nOfNInUse() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").concurrencyLimit(2).build());
    HoldingSink sink = holding("f", 10);
    enqueue("t1", "f");
    enqueue("t2", "f");
    sink.next();
    sink.next();
    String id = enqueue("t3", "f");
    assertThat(explain(id).reason()).isEqualTo(new Reason.FunctionAtLimit("f", 2, 2));
  }

  @Test
  void tenantAtItsLimit() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    engine.configureTenant("t1", TenantSettings.DEFAULT.withConcurrencyLimit(1));
    HoldingSink sink = holding("f", 10);
    enqueue("t1", "f");
    sink.next();
    String id = enqueue("t1", "f");
    assertThat(explain(id).reason()).isEqualTo(new Reason.TenantAtLimit("t1", 1, 1));
  }

  @Test
  void tenantAtTheFunctionsPerTenantLimit() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").perTenantLimit(1).build());
    HoldingSink sink = holding("f", 10);
    enqueue("t1", "f");
    sink.next();
    String id = enqueue("t1", "f");
    assertThat(explain(id).reason()).isEqualTo(new Reason.TenantFunctionAtLimit("t1", "f", 1, 1));
  }

  @Test
  void concurrencyKeyAtItsLimit_namesTheKeyAndValue() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").keyedLimit("acct", 1).build());
    HoldingSink sink = holding("f", 10);
    EnqueueOptions acme = EnqueueOptions.newBuilder().concurrencyKey("acct", "acme corp").build();
    enqueue("t1", "f", acme);
    sink.next();
    String id = enqueue("t2", "f", acme);
    String other = enqueue("t2", "f", EnqueueOptions.newBuilder().concurrencyKey("acct", "globex").build());
    sink.next(); // globex's job is not held by acme's limit
    assertThat(explain(id).reason()).isEqualTo(new Reason.ConcurrencyKeyAtLimit("acct", "acme corp", 1, 1));
    assertThat(explain(other).reason().kind()).isEqualTo(Reason.Kind.RUNNING);
  }

  @Test
  void noWorker_whenNothingTakesTheFunctionsWork() {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    String id = enqueue("t1", "f");
    clock.advance(Duration.ofSeconds(3));
    assertThat(explain(id).reason()).isEqualTo(new Reason.NoWorker("f", true, Duration.ofSeconds(3)));
  }

  @Test
  void noWorker_notBeforeTheStallThreshold_norWithALocalWorker() {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    String id = enqueue("t1", "f");
    assertThat(explain(id).reason().kind()).isEqualTo(Reason.Kind.WAITING_FAIR_TURN);
    holding("f", 0);
    clock.advance(Duration.ofSeconds(3));
    assertThat(explain(id).reason().kind()).isEqualTo(Reason.Kind.WAITING_FAIR_TURN);
  }

  @Test
  void waitingItsFairTurn_withItsTenantsPosition_andTheJobsAheadOfIt() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    HoldingSink sink = holding("f", 1);
    enqueue("t1", "f");
    sink.next(); // t1 was served: its virtual time moved past t2's
    enqueue("t1", "f");
    String third = enqueue("t1", "f");
    enqueue("t2", "f");
    Reason r = explain(third).reason();
    assertThat(r).isInstanceOf(Reason.WaitingFairTurn.class);
    Reason.WaitingFairTurn w = (Reason.WaitingFairTurn) r;
    assertThat(w.position()).as("t2 is owed the next job").isEqualTo(2);
    assertThat(w.readyTenants()).isEqualTo(2);
    assertThat(w.jobsAhead()).isEqualTo(1);
  }

  @Test
  void jobsAhead_countsTheQueuesListAndItsSortedSet_inClaimOrder() {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    String first = enqueue("t1", "f");
    enqueue("t1", "f");
    enqueue("t1", "f");
    clock.advance(Duration.ofMillis(10));
    // Scored 5 ms before now: after the three jobs of 10 ms ago, before anything enqueued now.
    String urgent = enqueue("t1", "f", EnqueueOptions.newBuilder().priority(Duration.ofMillis(5)).build());
    String last = enqueue("t1", "f");
    assertThat(jobsAhead(first)).isZero();
    assertThat(jobsAhead(urgent)).isEqualTo(3);
    assertThat(jobsAhead(last)).isEqualTo(4);
  }

  private long jobsAhead(String id) {
    return ((Reason.WaitingFairTurn) explain(id).reason()).jobsAhead();
  }

  @Test
  void running_withItsAttemptAndLease() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").leaseTimeout(Duration.ofSeconds(30)).build());
    HoldingSink sink = holding("f", 1);
    String id = enqueue("t1", "f");
    LeasedJob job = sink.next();
    Explanation e = explain(id);
    assertThat(e.state()).isEqualTo(JobState.RUNNING);
    assertThat(e.reason()).isEqualTo(new Reason.Running(null, job.deadline(), 1, null, null));
  }

  @Test
  void succeeded_andCancelled_withWhen() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    HoldingSink sink = holding("f", 1);
    String id = enqueue("t1", "f");
    LeasedJob job = sink.next();
    runtime.leases().complete(id, job.leaseToken(), new Outcome.Success(Duration.ofMillis(5)));
    assertThat(explain(id).reason()).isEqualTo(new Reason.Finished(Reason.Kind.SUCCEEDED, clock.instant()));

    String cancelled = enqueue("t1", "f", EnqueueOptions.newBuilder().delay(Duration.ofHours(1)).build());
    engine.cancel(cancelled);
    assertThat(explain(cancelled).reason()).isEqualTo(new Reason.Finished(Reason.Kind.CANCELLED, clock.instant()));
  }

  @Test
  void dead_withItsLastError() throws Exception {
    engine.configureFunction(FunctionSpec.newBuilder("f").build());
    HoldingSink sink = holding("f", 1);
    String id = enqueue("t1", "f");
    LeasedJob job = sink.next();
    runtime.leases().complete(id, job.leaseToken(), new Outcome.Fail("bad payload", Duration.ZERO));
    Explanation e = explain(id);
    assertThat(e.state()).isEqualTo(JobState.DEAD);
    assertThat(e.reason()).isEqualTo(new Reason.Dead(clock.instant(), 1, "bad payload"));
    assertThat(e.message()).contains("bad payload");
  }
}
