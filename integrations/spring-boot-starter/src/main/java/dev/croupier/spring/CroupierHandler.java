package dev.croupier.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a handler for one function, with the function's flow control. On a method of a bean,
 * the method runs each job; it takes one parameter, a {@link dev.croupier.api.JobContext}, a
 * {@code String} (the payload as UTF-8) or a {@code byte[]} (the payload), and returns
 * {@code void}. On a bean class, the bean must implement {@link dev.croupier.api.JobHandler}.
 *
 * <pre>{@code
 * @Component
 * class Sms {
 *   @CroupierHandler(function = "send-sms", maxInFlight = 16, perTenantLimit = 10,
 *       keyedLimits = @CroupierHandler.Limit(key = "provider", limit = 5),
 *       maxAttempts = 8, leaseTimeout = "45s")
 *   void send(JobContext job) { ... }
 * }
 * }</pre>
 *
 * <p>The handler's outcome follows {@link dev.croupier.api.JobHandler}: returning acknowledges the
 * job, {@link dev.croupier.api.RetryLaterException} and
 * {@link dev.croupier.api.PermanentFailureException} steer it, any other exception retries it with
 * backoff. Handlers start taking jobs once the application context has started and stop before
 * any bean is destroyed. A declaration the starter cannot use (a bad parameter list, an invalid
 * limit or duration, two handlers for one function) fails the application's start-up, naming the
 * method and what is wrong.
 *
 * <p>String attributes may hold {@code ${...}} placeholders, resolved from the environment.
 * Durations take Spring's forms: {@code 30s}, {@code 500ms}, {@code 5m} or ISO-8601
 * ({@code PT30S}); an empty string keeps the API's default. Limits of 0 mean unlimited, as in
 * {@link dev.croupier.api.FunctionSpec}.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CroupierHandler {

  /** The function's name (1-64 characters from {@code A-Z a-z 0-9 . _ -}). */
  String function();

  /**
   * Most jobs of this function running at once in this application; 0 takes
   * {@code croupier.max-in-flight}. {@code croupier.functions.<name>.max-in-flight} overrides it.
   */
  int maxInFlight() default 0;

  /** Jobs of this function in flight across all tenants and processes; 0 = unlimited. */
  int concurrencyLimit() default 0;

  /** Jobs of this function in flight per tenant; 0 = unlimited. */
  int perTenantLimit() default 0;

  /** Limits per value of a concurrency key; the first one splits the function's queues. */
  Limit[] keyedLimits() default {};

  /** Deliveries in all, the first one included (1-1000). */
  int maxAttempts() default dev.croupier.api.RetryPolicy.DEFAULT_MAX_ATTEMPTS;

  /** The longest wait before the first retry; empty = the API's default (1 s). */
  String retryBase() default "";

  /** How much longer each further retry may wait (at least 1). */
  double retryFactor() default dev.croupier.api.RetryPolicy.DEFAULT_FACTOR;

  /** The longest wait before any retry; empty = the API's default (5 min). */
  String retryCap() default "";

  /**
   * The lease (visibility) timeout: a job whose lease is not extended within it is delivered
   * again; running jobs are heartbeated automatically. Empty = the API's default (30 s).
   */
  String leaseTimeout() default "";

  /** A concurrency limit per value of a key, e.g. at most 5 in flight per {@code provider}. */
  @Target({})
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @interface Limit {

    /** The concurrency key's name, as jobs give it at enqueue. */
    String key();

    /** Most jobs in flight per value of the key (positive). */
    int limit();
  }
}
