package dev.croupier.spring.autoconfigure;

import dev.croupier.engine.Engine;
import dev.croupier.spring.internal.EmbeddedHandlers;
import dev.croupier.spring.internal.EngineHealthIndicator;
import dev.croupier.spring.internal.RemoteHandlers;
import dev.croupier.spring.internal.RemoteHealthIndicator;
import dev.croupier.worker.CroupierClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code croupier} health indicator, when Spring Boot's health support
 * ({@code spring-boot-health}, which the actuator brings) is on the classpath; turn it off with
 * {@code management.health.croupier.enabled=false}. Embedded: up when Redis answers. Remote: up
 * when the worker and the producer are connected to a node.
 */
@AutoConfiguration(after = CroupierAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("croupier")
public class CroupierHealthAutoConfiguration {

  /** Embedded mode's indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.croupier.engine.Engine")
  @ConditionalOnBean(EmbeddedHandlers.class)
  static class Embedded {

    @Bean
    @ConditionalOnMissingBean(name = "croupierHealthIndicator")
    HealthIndicator croupierHealthIndicator(Engine engine, EmbeddedHandlers handlers) {
      return new EngineHealthIndicator(engine, handlers);
    }
  }

  /** Remote mode's indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.croupier.worker.Worker")
  @ConditionalOnBean(RemoteHandlers.class)
  static class Remote {

    @Bean
    @ConditionalOnMissingBean(name = "croupierHealthIndicator")
    HealthIndicator croupierHealthIndicator(ObjectProvider<CroupierClient> client,
        RemoteHandlers handlers) {
      return new RemoteHealthIndicator(client.getIfAvailable(), handlers);
    }
  }
}
