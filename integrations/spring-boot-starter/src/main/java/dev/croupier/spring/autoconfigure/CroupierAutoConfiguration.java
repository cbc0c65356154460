package dev.croupier.spring.autoconfigure;

import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.spring.CroupierConfigurationException;
import dev.croupier.spring.CroupierProperties;
import dev.croupier.spring.internal.EmbeddedHandlers;
import dev.croupier.spring.internal.EngineSettings;
import dev.croupier.spring.internal.HandlerScanner;
import dev.croupier.spring.internal.RemoteHandlers;
import dev.croupier.spring.internal.RemoteSettings;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Croupier from {@code croupier.*} properties. {@code croupier.mode=embedded} (the default) starts
 * an {@link Engine} on {@code croupier.embedded.redis-url}; {@code croupier.mode=remote} connects a
 * {@link CroupierClient} to {@code croupier.remote.addresses} and runs handlers in a remote worker.
 * Either way the {@link dev.croupier.api.JobProducer} bean enqueues, and every
 * {@code @CroupierHandler} and {@code HandlerRegistration} runs from the context's start until
 * its shutdown. {@code croupier.enabled=false} turns all of it off.
 */
@AutoConfiguration(afterName = {
    // So the application's MeterRegistry exists when the engine is built.
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "croupier.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CroupierProperties.class)
public class CroupierAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CroupierAutoConfiguration.class);
  private static final String MODE = "croupier.mode";

  /** Finds the application's handlers once every singleton exists. */
  @Bean
  HandlerScanner croupierHandlerScanner(ConfigurableListableBeanFactory beanFactory,
      CroupierProperties properties) {
    return new HandlerScanner(beanFactory, properties);
  }

  /** Embedded mode: the engine runs here. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = MODE, havingValue = "embedded", matchIfMissing = true)
  @ConditionalOnClass(name = "dev.croupier.engine.Engine")
  static class EmbeddedConfiguration {

    /** The engine: the application's JobProducer, closed after every bean that uses it. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Engine croupierEngine(CroupierProperties properties, ObjectProvider<MeterRegistry> registry) {
      EngineOptions options = EngineSettings.options(properties, registry.getIfAvailable());
      try {
        return EngineRuntime.start(options);
      } catch (RuntimeException e) {
        throw new CroupierConfigurationException("the embedded Croupier engine could not start on "
            + EngineSettings.redacted(options.redisUrl()) + ": " + e.getMessage(),
            "check that Redis runs there and croupier.embedded.redis-url (and namespace, shards) "
                + "are right", e);
      }
    }

    /** Runs the handlers in the engine, from start to shutdown. */
    @Bean
    EmbeddedHandlers croupierEmbeddedHandlers(Engine engine, HandlerScanner scanner,
        CroupierProperties properties, Environment environment) {
      return new EmbeddedHandlers(engine, scanner, grace(properties, environment));
    }
  }

  /** Remote mode: engine nodes run the engine; this application produces and works. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = MODE, havingValue = "remote")
  @ConditionalOnClass(name = "dev.croupier.worker.Worker")
  static class RemoteConfiguration {

    /** The producer: the application's JobProducer, connected at start-up. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "croupier.remote.producer.enabled", matchIfMissing = true)
    CroupierClient croupierClient(CroupierProperties properties) {
      ClientOptions options = RemoteSettings.client(properties);
      try {
        return CroupierClient.connect(options);
      } catch (RuntimeException e) {
        throw new CroupierConfigurationException("the Croupier producer could not connect to "
            + options.addresses() + ": " + e.getMessage(),
            "start an engine node there, or correct croupier.remote.addresses, the producer's "
                + "token (croupier.remote.token or croupier.remote.producer.token) and "
                + "croupier.remote.tls; an application that only runs handlers can set "
                + "croupier.remote.producer.enabled=false", e);
      }
    }

    /** Runs the handlers in a remote worker, from start to shutdown. */
    @Bean
    RemoteHandlers croupierRemoteHandlers(CroupierProperties properties, HandlerScanner scanner,
        Environment environment, ObjectProvider<MeterRegistry> registry) {
      grace(properties, environment);
      return new RemoteHandlers(RemoteSettings.worker(properties, registry.getIfAvailable()),
          properties.getRemote().getWorker().getStartupWait(), scanner);
    }
  }

  /** Embedded mode without croupier-engine on the classpath: say so instead of a missing bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = MODE, havingValue = "embedded", matchIfMissing = true)
  @ConditionalOnMissingClass("dev.croupier.engine.Engine")
  static class EmbeddedUnavailable {

    @Bean
    Object croupierEngineMissing() {
      throw new CroupierConfigurationException("croupier.mode=embedded (the default) needs the "
          + "engine, but dev.croupier:croupier-engine is not on the classpath",
          "add the dependency dev.croupier:croupier-engine, or set croupier.mode=remote (with "
              + "dev.croupier:croupier-worker) to use engine nodes");
    }
  }

  /** Remote mode without croupier-worker on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = MODE, havingValue = "remote")
  @ConditionalOnMissingClass("dev.croupier.worker.Worker")
  static class RemoteUnavailable {

    @Bean
    Object croupierWorkerMissing() {
      throw new CroupierConfigurationException("croupier.mode=remote needs the worker SDK, but "
          + "dev.croupier:croupier-worker is not on the classpath",
          "add the dependency dev.croupier:croupier-worker");
    }
  }

  /**
   * The shutdown grace, checked; warns when Spring would stop waiting for the drain first
   * (Spring gives each shutdown phase spring.lifecycle.timeout-per-shutdown-phase).
   */
  static Duration grace(CroupierProperties properties, Environment environment) {
    Duration grace = properties.getShutdownGrace();
    if (grace == null || grace.isNegative()) {
      throw new CroupierConfigurationException("croupier.shutdown-grace must not be negative: " + grace,
          "set croupier.shutdown-grace to how long running jobs may finish at shutdown, e.g. 20s");
    }
    Duration phase = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase",
        Duration.class, Duration.ofSeconds(30));
    if (grace.compareTo(phase) >= 0) {
      log.warn("croupier.shutdown-grace ({}) is not below spring.lifecycle.timeout-per-shutdown-phase "
          + "({}): Spring may stop waiting before running jobs had their grace; raise the latter",
          grace, phase);
    }
    return grace;
  }
}
