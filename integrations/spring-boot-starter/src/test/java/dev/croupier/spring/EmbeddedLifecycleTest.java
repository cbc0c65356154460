package dev.croupier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.JobContext;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobState;
import dev.croupier.embeddedredis.EmbeddedRedis;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.spring.autoconfigure.CroupierAutoConfiguration;
import dev.croupier.spring.internal.EmbeddedHandlers;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Embedded mode's health indicator and graceful shutdown, in real application contexts. */
class EmbeddedLifecycleTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void health_isUpWhileRedisAnswers_andDownOnceItIsGone() {
    // A Redis of this test's own, so stopping it leaves the other tests theirs.
    EmbeddedRedis redis = EmbeddedRedis.start();
    try {
      EmbeddedModeTest.embedded(REDIS)
          .withPropertyValues("croupier.embedded.redis-url=" + redis.url())
          .withUserConfiguration(TestApps.Handlers.class)
          .run(context -> {
            HealthIndicator health = context.getBean("croupierHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("mode", "embedded")
                .containsEntry("handlersRunning", true);

            redis.close();

            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
          });
    } finally {
      redis.close();
    }
  }

  @Test
  void healthIndicator_canBeTurnedOff() {
    EmbeddedModeTest.embedded(REDIS).withPropertyValues("management.health.croupier.enabled=false")
        .run(context -> {
          assertThat(context).hasSingleBean(Engine.class);
          assertThat(context).doesNotHaveBean("croupierHealthIndicator");
        });
  }

  @Test
  void shutdown_takesNoMoreJobs_andLetsRunningOnesFinish_whileTheirBeansAreAlive() throws Exception {
    String namespace = REDIS.newNamespace();
    ConfigurableApplicationContext context = start(namespace, "10s");
    SlowJobs jobs = context.getBean(SlowJobs.class);
    Dependency dependency = context.getBean(Dependency.class);
    JobProducer producer = context.getBean(JobProducer.class);
    EmbeddedHandlers handlers = context.getBean(EmbeddedHandlers.class);

    String running = producer.enqueue("acme", "slow", EmbeddedModeTest.utf8("first")).jobId();
    assertThat(jobs.started.await(20, TimeUnit.SECONDS)).as("the first job started").isTrue();

    Thread closer = Thread.ofPlatform().start(context::close);
    Await.until(WAIT, "the handlers stopped taking jobs", () -> !handlers.isRunning());
    // Enqueued after the stop began: no handler of this application may take it any more.
    String late = producer.enqueue("acme", "slow", EmbeddedModeTest.utf8("late")).jobId();
    // Give a shutdown that did not wait time to go on and destroy the handler's beans (it would
    // within milliseconds); a correct one stays in the drain until the job is released.
    Thread.sleep(500);
    assertThat(dependency.destroyed).as("the handler's bean is alive while its job runs").isFalse();
    assertThat(closer.isAlive()).as("close waits for the running job").isTrue();

    jobs.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(closer.isAlive()).isFalse();

    assertThat(jobs.dependencyAliveAtEnd).as("the handler's bean was alive when it ended").isTrue();
    assertThat(dependency.destroyed).isTrue();
    try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(namespace).build())) {
      assertThat(engine.lookup(running).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(engine.lookup(late).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }
    assertThat(jobs.payloads).isEqualTo("first");
  }

  @Test
  void shutdown_interruptsJobsStillRunningAfterTheGrace() throws Exception {
    ConfigurableApplicationContext context = start(REDIS.newNamespace(), "100ms");
    SlowJobs jobs = context.getBean(SlowJobs.class);
    context.getBean(JobProducer.class).enqueue("acme", "slow", EmbeddedModeTest.utf8("stuck"));
    assertThat(jobs.started.await(20, TimeUnit.SECONDS)).isTrue();

    context.close(); // returns although the job never gets its release

    assertThat(jobs.interrupted.await(20, TimeUnit.SECONDS)).as("the stuck job was interrupted").isTrue();
  }

  /** An application with the slow handler, which the test closes itself. */
  private static ConfigurableApplicationContext start(String namespace, String grace) {
    return new SpringApplicationBuilder(SlowApp.class, CroupierAutoConfiguration.class)
        .web(WebApplicationType.NONE)
        .registerShutdownHook(false)
        .properties("croupier.embedded.redis-url=" + REDIS.url(),
            "croupier.embedded.namespace=" + namespace,
            "croupier.shutdown-grace=" + grace)
        .run();
  }

  /**
   * A handler that blocks until released, and a bean it uses. That bean depends on the producer,
   * like a service enqueueing follow-up jobs, so Spring destroys it before the engine: a shutdown
   * that did not drain would destroy it under the running job.
   */
  @Configuration(proxyBeanMethods = false)
  static class SlowApp {
    @Bean
    Dependency dependency(JobProducer producer) {
      return new Dependency(producer);
    }

    @Bean
    SlowJobs slowJobs(Dependency dependency) {
      return new SlowJobs(dependency);
    }
  }

  static final class Dependency implements DisposableBean {
    final JobProducer producer;
    volatile boolean destroyed;

    Dependency(JobProducer producer) {
      this.producer = producer;
    }

    @Override
    public void destroy() {
      destroyed = true;
    }
  }

  static final class SlowJobs {
    final Dependency dependency;
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    volatile boolean dependencyAliveAtEnd;
    volatile String payloads = "";

    SlowJobs(Dependency dependency) {
      this.dependency = dependency;
    }

    @CroupierHandler(function = "slow", maxInFlight = 1)
    void run(JobContext job) throws InterruptedException {
      payloads = payloads.isEmpty() ? job.payloadUtf8() : payloads + "," + job.payloadUtf8();
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      dependencyAliveAtEnd = !dependency.destroyed;
    }
  }
}
