package dev.croupier.spring;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import java.util.Objects;

/**
 * A handler declared as a bean: a plain {@link JobHandler} with its function's spec. The starter
 * registers every bean of this type, like {@link CroupierHandler} methods.
 *
 * <pre>{@code
 * @Bean
 * HandlerRegistration sendSms(SmsSender sender) {
 *   return HandlerRegistration.of(FunctionSpec.newBuilder("send-sms").perTenantLimit(10).build(),
 *       16, job -> sender.send(job.payloadUtf8()));
 * }
 * }</pre>
 *
 * @param spec the function and its flow control
 * @param maxInFlight most of its jobs running at once in this application; 0 takes
 *     {@code croupier.max-in-flight}; {@code croupier.functions.<name>.max-in-flight} overrides it
 * @param handler the code that runs each job
 */
public record HandlerRegistration(FunctionSpec spec, int maxInFlight, JobHandler handler) {

  /** Validates every field. */
  public HandlerRegistration {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(handler, "handler");
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("maxInFlight must not be negative: " + maxInFlight
          + " (0 takes croupier.max-in-flight)");
    }
  }

  /** A registration running at most {@code maxInFlight} jobs at once. */
  public static HandlerRegistration of(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    return new HandlerRegistration(spec, maxInFlight, handler);
  }

  /** A registration running as many jobs at once as {@code croupier.max-in-flight} says. */
  public static HandlerRegistration of(FunctionSpec spec, JobHandler handler) {
    return new HandlerRegistration(spec, 0, handler);
  }
}
