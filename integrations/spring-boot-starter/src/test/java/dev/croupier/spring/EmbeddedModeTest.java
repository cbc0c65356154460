package dev.croupier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.Engine;
import dev.croupier.spring.autoconfigure.CroupierAutoConfiguration;
import dev.croupier.spring.autoconfigure.CroupierHealthAutoConfiguration;
import dev.croupier.spring.internal.HandlerScanner;
import dev.croupier.spring.internal.ResolvedHandler;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Embedded mode in a real application context, on a real Redis. */
class EmbeddedModeTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  static ApplicationContextRunner embedded(RedisServerExtension redis) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CroupierAutoConfiguration.class,
            CroupierHealthAutoConfiguration.class))
        .withPropertyValues("croupier.embedded.redis-url=" + redis.url(),
            "croupier.embedded.namespace=" + redis.newNamespace(),
            "croupier.embedded.scavenge-interval=200ms",
            "croupier.shutdown-grace=5s");
  }

  @Test
  void jobsEnqueuedThroughTheJobProducerBean_runInTheirHandlers() {
    embedded(REDIS).withUserConfiguration(TestApps.Handlers.class).run(context -> {
      assertThat(context).hasNotFailed();
      JobProducer producer = context.getBean(JobProducer.class);
      assertThat(producer).isSameAs(context.getBean(Engine.class));

      String sms = producer.enqueue(JobRequest.newBuilder("acme", "send-sms").payload("hello")
          .concurrencyKey("provider", "twilio").build()).jobId();
      String echo = producer.enqueue("globex", "echo", utf8("ping")).jobId();
      String bytes = producer.enqueue("globex", "bytes", utf8("abc")).jobId();
      String typed = producer.enqueue("acme", "typed", utf8("t1")).jobId();
      String registered = producer.enqueue("initech", "registered", utf8("r1")).jobId();
      String refused = producer.enqueue("acme", "refuse", utf8("x")).jobId();

      for (String id : new String[] {sms, echo, bytes, typed, registered}) {
        assertThat(producer.await(id, WAIT).state()).as(id).isEqualTo(JobState.SUCCEEDED);
      }
      JobInfo dead = producer.await(refused, WAIT);
      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.attempts()).isEqualTo(1);
      assertThat(dead.lastError()).contains("refused x");
      assertThat(context.getBean(Recorder.class).lines()).containsExactlyInAnyOrder(
          "send-sms acme hello", "echo - ping", "bytes - 3:abc", "typed acme t1",
          "registered initech r1");
    });
  }

  @Test
  void handlerDeclarations_becomeTheStoredFunctionSpecs() {
    embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("test.sms-lease=40s").run(context -> {
          Engine engine = context.getBean(Engine.class);
          assertThat(engine.function("send-sms")).contains(FunctionSpec.newBuilder("send-sms")
              .concurrencyLimit(20)
              .perTenantLimit(2)
              .keyedLimit("provider", 3)
              .retry(new RetryPolicy(3, Duration.ofMillis(10), 3.0, Duration.ofSeconds(1)))
              .leaseTimeout(Duration.ofSeconds(40))
              .build());
          assertThat(engine.function("echo")).contains(FunctionSpec.newBuilder("echo").build());
          assertThat(engine.function("registered"))
              .contains(FunctionSpec.newBuilder("registered").concurrencyLimit(7).build());
        });
  }

  @Test
  void maxInFlight_comesFromTheHandler_thenTheDefault_andPropertiesOverrideIt() {
    embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("croupier.max-in-flight=3", "croupier.functions.typed.max-in-flight=9")
        .run(context -> {
          Map<String, Integer> limits = context.getBean(HandlerScanner.class).handlers().stream()
              .collect(Collectors.toMap(ResolvedHandler::function, ResolvedHandler::maxInFlight));
          assertThat(limits).containsExactlyInAnyOrderEntriesOf(Map.of(
              "send-sms", 4, "echo", 3, "bytes", 3, "refuse", 3, "typed", 9, "registered", 3));
        });
  }

  @Test
  void theApplicationsMeterRegistry_getsTheEnginesMetrics() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withBean(MeterRegistry.class, () -> registry)
        .run(context -> {
          JobProducer producer = context.getBean(JobProducer.class);
          String id = producer.enqueue("acme", "echo", utf8("m")).jobId();
          assertThat(producer.await(id, WAIT).state()).isEqualTo(JobState.SUCCEEDED);
          assertThat(context.getBean(Engine.class).options().meterRegistry()).isSameAs(registry);
          assertThat(registry.get("croupier.jobs.enqueued").counter().count()).isEqualTo(1.0);
        });
  }

  @Test
  void croupierEnabledFalse_configuresNothing() {
    embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("croupier.enabled=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(JobProducer.class);
          assertThat(context).doesNotHaveBean(HandlerScanner.class);
        });
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
