package dev.croupier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobContext;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.node.config.Tokens;
import dev.croupier.spring.autoconfigure.CroupierAutoConfiguration;
import dev.croupier.spring.autoconfigure.CroupierHealthAutoConfiguration;
import dev.croupier.spring.internal.RemoteHandlers;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.CroupierClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Remote mode against a real engine node (with tokens) on a real Redis. */
class RemoteModeTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final String PRODUCER_TOKEN = "p-acme-4f9c2e1d";
  private static final String WORKER_TOKEN = "w-remote-81b0d7aa";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private EngineRuntime runtime;
  private NodeServer node;

  @BeforeEach
  void startNode() {
    runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).scavengeInterval(Duration.ofMillis(200)).build());
    node = NodeServer.start(runtime, ServerOptions.newBuilder().port(0)
        .drainGrace(Duration.ofSeconds(1))
        .tokens(Tokens.parse("test", List.of(
            PRODUCER_TOKEN + " producer acme",
            WORKER_TOKEN + " worker remote-echo,remote-slow")))
        .build());
  }

  @AfterEach
  void stopNode() {
    stopNodeNow();
  }

  private void stopNodeNow() {
    if (node != null) {
      node.close();
      runtime.close();
      node = null;
    }
  }

  private String address() {
    return "127.0.0.1:" + node.address().getPort();
  }

  private ApplicationContextRunner remote() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CroupierAutoConfiguration.class,
            CroupierHealthAutoConfiguration.class))
        .withUserConfiguration(RemoteApp.class)
        .withPropertyValues("croupier.mode=remote",
            "croupier.remote.addresses=" + address(),
            "croupier.remote.producer.token=" + PRODUCER_TOKEN,
            "croupier.remote.worker.token=" + WORKER_TOKEN,
            "croupier.remote.worker.reconnect-min-backoff=20ms",
            "croupier.remote.worker.reconnect-max-backoff=200ms",
            "croupier.remote.producer.retry-deadline=0s",
            "croupier.shutdown-grace=5s");
  }

  @Test
  void jobsEnqueuedThroughTheJobProducerBean_runInTheRemoteWorkersHandler() {
    remote().run(context -> {
      assertThat(context).hasNotFailed();
      JobProducer producer = context.getBean(JobProducer.class);
      assertThat(producer).isInstanceOf(CroupierClient.class);
      assertThat(context).doesNotHaveBean(Engine.class);

      String id = producer.enqueue(JobRequest.newBuilder("acme", "remote-echo").payload("over the wire")
          .build()).jobId();

      assertThat(producer.await(id, WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(context.getBean(Recorder.class).lines()).containsExactly("remote-echo acme over the wire");
      assertThat(runtime.engine().function("remote-echo")).contains(FunctionSpec.newBuilder("remote-echo")
          .perTenantLimit(3).leaseTimeout(Duration.ofSeconds(20)).build());
    });
  }

  @Test
  void theApplicationsMeterRegistry_getsTheWorkersMetrics() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    remote().withBean(MeterRegistry.class, () -> registry).run(context -> {
      assertThat(context).hasNotFailed();
      JobProducer producer = context.getBean(JobProducer.class);
      String id = producer.enqueue(JobRequest.newBuilder("acme", "remote-echo").payload("metered")
          .build()).jobId();
      assertThat(producer.await(id, WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(registry.find("croupier.worker.reconnects").counter()).as("worker meters").isNotNull();
    });
  }

  @Test
  void health_isUpWhileConnected_andDownOnceTheNodeIsGone() {
    remote().run(context -> {
      HealthIndicator health = context.getBean("croupierHealthIndicator", HealthIndicator.class);
      RemoteHandlers handlers = context.getBean(RemoteHandlers.class);
      Await.until(WAIT, "the worker connected", handlers::connected);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("mode", "remote")
          .containsEntry("worker", "connected").containsEntry("producer", "connected");

      stopNodeNow();

      Await.until(WAIT, "the worker noticed the node is gone", () -> !handlers.connected());
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.health().getDetails()).containsEntry("worker", "disconnected")
          .containsEntry("producer", "disconnected");
    });
  }

  @Test
  void aWorkerOnlyApplication_hasNoProducer_andStillRunsItsHandlers() {
    remote().withPropertyValues("croupier.remote.producer.enabled=false",
            "croupier.remote.producer.token=not-a-valid-token")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(JobProducer.class);
          String id = runtime.engine().enqueue("globex", "remote-echo", EmbeddedModeTest.utf8("direct"))
              .jobId();
          assertThat(runtime.engine().await(id, WAIT).state()).isEqualTo(JobState.SUCCEEDED);
          assertThat(context.getBean(Recorder.class).lines()).containsExactly("remote-echo globex direct");
        });
  }

  @Test
  void aProducerTokenTheNodeRefuses_failsStartUp() {
    remote().withPropertyValues("croupier.remote.producer.token=wrong-token-123")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("token");
        });
  }

  @Test
  void shutdown_letsTheRunningJobFinish() throws Exception {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(RemoteApp.class,
        CroupierAutoConfiguration.class)
        .web(WebApplicationType.NONE)
        .registerShutdownHook(false)
        .properties("croupier.mode=remote", "croupier.remote.addresses=" + address(),
            "croupier.remote.producer.token=" + PRODUCER_TOKEN,
            "croupier.remote.worker.token=" + WORKER_TOKEN, "croupier.shutdown-grace=10s")
        .run();
    RemoteApp.Jobs jobs = context.getBean(RemoteApp.Jobs.class);
    String id = context.getBean(JobProducer.class).enqueue("acme", "remote-slow",
        EmbeddedModeTest.utf8("s")).jobId();
    assertThat(jobs.started.await(20, TimeUnit.SECONDS)).isTrue();

    Thread closer = Thread.ofPlatform().start(context::close);
    RemoteHandlers handlers = context.getBean(RemoteHandlers.class);
    Await.until(WAIT, "the handlers stopped taking jobs", () -> !handlers.isRunning());
    assertThat(closer.isAlive()).as("close waits for the running job").isTrue();
    jobs.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(20));

    assertThat(closer.isAlive()).isFalse();
    assertThat(runtime.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
  }

  /** Handlers the worker token may serve. */
  @Configuration(proxyBeanMethods = false)
  static class RemoteApp {
    @Bean
    Recorder recorder() {
      return new Recorder();
    }

    @Bean
    Jobs jobs(Recorder recorder) {
      return new Jobs(recorder);
    }

    static final class Jobs {
      final Recorder recorder;
      final CountDownLatch started = new CountDownLatch(1);
      final CountDownLatch release = new CountDownLatch(1);

      Jobs(Recorder recorder) {
        this.recorder = recorder;
      }

      @CroupierHandler(function = "remote-echo", perTenantLimit = 3, leaseTimeout = "20s")
      void echo(JobContext job) {
        recorder.record(job.function(), job.tenant(), job.payloadUtf8());
      }

      @CroupierHandler(function = "remote-slow", maxInFlight = 1)
      void slow(String payload) throws InterruptedException {
        started.countDown();
        release.await();
      }
    }
  }
}
