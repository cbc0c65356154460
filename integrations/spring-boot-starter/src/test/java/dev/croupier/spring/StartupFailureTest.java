package dev.croupier.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobContext;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.spring.autoconfigure.CroupierAutoConfiguration;
import dev.croupier.spring.internal.CroupierFailureAnalyzer;
import dev.croupier.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Bad properties and bad handler declarations fail start-up, saying what is wrong and where. */
class StartupFailureTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static ApplicationContextRunner bare() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CroupierAutoConfiguration.class));
  }

  @Test
  void embeddedMode_withoutARedisUrl() {
    bare().run(failsWith("croupier.embedded.redis-url is required with croupier.mode=embedded"));
  }

  @Test
  void anInvalidEngineOption_namesItsProperty() {
    EmbeddedModeTest.embedded(REDIS).withPropertyValues("croupier.embedded.claim-threads=0")
        .run(failsWith("invalid croupier.embedded.claim-threads: claimThreads must be between 1 and 256: 0"));
    EmbeddedModeTest.embedded(REDIS).withPropertyValues("croupier.embedded.redis-url=http://x:1")
        .run(failsWith("invalid croupier.embedded.redis-url: redisUrl must start with redis:// or rediss://"));
    EmbeddedModeTest.embedded(REDIS).withPropertyValues("croupier.embedded.fairness=loudest")
        .run(failsWith("invalid croupier.embedded.fairness: 'loudest'"));
  }

  @Test
  void anUnreachableRedis_failsStartUpNamingIt() {
    EmbeddedModeTest.embedded(REDIS)
        .withPropertyValues("croupier.embedded.redis-url=redis://user:secret@127.0.0.1:1")
        .run(context -> {
          assertThat(context).hasFailed();
          Throwable failure = rootCroupierCause(context.getStartupFailure());
          assertThat(failure).hasMessageContaining(
              "the embedded Croupier engine could not start on redis://***@127.0.0.1:1");
          assertThat(failure.getMessage()).doesNotContain("secret");
        });
  }

  @Test
  void anUnknownMode_isABindingError() {
    bare().withPropertyValues("croupier.mode=hybrid").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class);
      assertThat(findCause(context.getStartupFailure(), BindException.class).getProperty().getName())
          .hasToString("croupier.mode");
    });
  }

  @Test
  void modeNames_areCaseInsensitive() {
    EmbeddedModeTest.embedded(REDIS).withPropertyValues("croupier.mode=EMBEDDED")
        .run(context -> assertThat(context).hasNotFailed().hasBean("croupierEngine"));
  }

  @Test
  void remoteMode_withoutAddresses() {
    bare().withPropertyValues("croupier.mode=remote")
        .run(failsWith("croupier.remote.addresses is required with croupier.mode=remote"));
  }

  @Test
  void remoteMode_withAMalformedAddress() {
    bare().withPropertyValues("croupier.mode=remote", "croupier.remote.addresses=node-a")
        .run(failsWith("invalid croupier.remote.addresses: address must be HOST:PORT: 'node-a'"));
  }

  @Test
  void remoteMode_withNoNodeListening() {
    bare().withPropertyValues("croupier.mode=remote", "croupier.remote.addresses=127.0.0.1:1")
        .run(failsWith("the Croupier producer could not connect to [127.0.0.1:1]"));
  }

  @Test
  void aHandlerMethodWithTheWrongParameters_isNamed() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(TwoParameters.class)
        .run(failsWith("method dev.croupier.spring.StartupFailureTest$TwoParametersJobs.run(JobContext, String)"
            + " cannot handle jobs: it takes 2 parameters"));
  }

  @Test
  void aHandlerMethodReturningAValue_isRefused() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(ReturnsValue.class)
        .run(failsWith("cannot handle jobs: it returns String, which nothing would read"));
  }

  @Test
  void twoHandlersForOneFunction_areRefused() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(Duplicate.class)
        .run(failsWith("function 'same' has two handlers"));
  }

  @Test
  void anInvalidSpec_namesTheAnnotationAndTheValue() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(NegativeLimit.class)
        .run(failsWith("@CroupierHandler(function = \"neg\") on bean 'negativeJobs'",
            "perTenantLimit must not be negative: -1"));
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(BadName.class)
        .run(failsWith("function 'no spaces' is invalid"));
  }

  @Test
  void aBadDuration_isNamed() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(BadDuration.class)
        .run(failsWith("leaseTimeout 'soon' is not a duration"));
  }

  @Test
  void anAnnotatedClassThatIsNoJobHandler_isRefused() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(NotAHandler.class)
        .run(failsWith("the class does not implement JobHandler"));
  }

  @Test
  void anOverrideForAFunctionNoHandlerServes_isRefused() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("croupier.functions.send-smss.max-in-flight=3")
        .run(failsWith("croupier.functions names [send-smss] but no handler in this application serves it"));
  }

  @Test
  void aNonPositiveMaxInFlight_isRefused() {
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("croupier.functions.echo.max-in-flight=0")
        .run(failsWith("croupier.functions.echo.max-in-flight must be positive: 0"));
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("croupier.max-in-flight=-2")
        .run(failsWith("croupier.max-in-flight must be positive: -2"));
  }

  @Test
  void aHandlerWhoseSpecDiffersFromTheStoredOne_failsStartUp() {
    String namespace = REDIS.newNamespace();
    try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(namespace).build())) {
      engine.registerFunction(FunctionSpec.newBuilder("echo").perTenantLimit(5).build());
    }
    EmbeddedModeTest.embedded(REDIS).withUserConfiguration(TestApps.Handlers.class)
        .withPropertyValues("croupier.embedded.namespace=" + namespace)
        .run(failsWith("function 'echo' of bean 'smsJobs' method",
            "could not be registered: function 'echo' is already registered with a different config"));
  }

  @Test
  void theFailureAnalyzer_printsTheProblemAndTheAction() {
    bare().run(context -> {
      FailureAnalysis analysis = new CroupierFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).contains("croupier.embedded.redis-url is required");
      assertThat(analysis.getAction()).contains("set croupier.embedded.redis-url (e.g. redis://localhost:6379)");
    });
  }

  private static ContextConsumer<AssertableApplicationContext> failsWith(String... fragments) {
    return context -> {
      assertThat(context).hasFailed();
      Throwable cause = rootCroupierCause(context.getStartupFailure());
      for (String fragment : fragments) {
        assertThat(cause).hasMessageContaining(fragment);
      }
    };
  }

  private static CroupierConfigurationException rootCroupierCause(Throwable t) {
    return findCause(t, CroupierConfigurationException.class);
  }

  private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the cause chain of " + t, t);
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoParameters {
    @Bean
    TwoParametersJobs twoParametersJobs() {
      return new TwoParametersJobs();
    }
  }

  static class TwoParametersJobs {
    @CroupierHandler(function = "two")
    void run(JobContext job, String extra) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class ReturnsValue {
    @Bean
    Object returnsValueJobs() {
      return new Object() {
        @CroupierHandler(function = "value")
        String run(JobContext job) {
          return "ignored";
        }
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Duplicate {
    @Bean
    DuplicateJobs duplicateJobs() {
      return new DuplicateJobs();
    }
  }

  static class DuplicateJobs {
    @CroupierHandler(function = "same")
    void one(JobContext job) {}

    @CroupierHandler(function = "same")
    void two(JobContext job) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class NegativeLimit {
    @Bean
    NegativeJobs negativeJobs() {
      return new NegativeJobs();
    }
  }

  static class NegativeJobs {
    @CroupierHandler(function = "neg", perTenantLimit = -1)
    void run(JobContext job) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class BadName {
    @Bean
    BadNameJobs badNameJobs() {
      return new BadNameJobs();
    }
  }

  static class BadNameJobs {
    @CroupierHandler(function = "no spaces")
    void run(JobContext job) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class BadDuration {
    @Bean
    BadDurationJobs badDurationJobs() {
      return new BadDurationJobs();
    }
  }

  static class BadDurationJobs {
    @CroupierHandler(function = "dur", leaseTimeout = "soon")
    void run(JobContext job) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class NotAHandler {
    @Bean
    NotAHandlerJobs notAHandlerJobs() {
      return new NotAHandlerJobs();
    }
  }

  @CroupierHandler(function = "nope")
  static class NotAHandlerJobs {}
}
