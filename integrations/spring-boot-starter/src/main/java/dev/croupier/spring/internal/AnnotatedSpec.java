package dev.croupier.spring.internal;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.RetryPolicy;
import dev.croupier.spring.CroupierConfigurationException;
import dev.croupier.spring.CroupierHandler;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.springframework.boot.convert.DurationStyle;

/** Turns a {@link CroupierHandler} declaration into the {@link FunctionSpec} it stands for. */
final class AnnotatedSpec {

  private AnnotatedSpec() {}

  /**
   * The spec {@code annotation} declares; {@code resolve} expands {@code ${...}} placeholders.
   * Throws {@link CroupierConfigurationException} naming {@code source} and the bad attribute.
   */
  static FunctionSpec of(CroupierHandler annotation, UnaryOperator<String> resolve, String source) {
    String function = resolve.apply(annotation.function());
    try {
      FunctionSpec.Builder b = FunctionSpec.newBuilder(function)
          .concurrencyLimit(annotation.concurrencyLimit())
          .perTenantLimit(annotation.perTenantLimit());
      for (CroupierHandler.Limit limit : annotation.keyedLimits()) {
        b.keyedLimit(resolve.apply(limit.key()), limit.limit());
      }
      Duration base = duration("retryBase", annotation.retryBase(), RetryPolicy.DEFAULT_BASE, resolve, source);
      Duration cap = duration("retryCap", annotation.retryCap(), RetryPolicy.DEFAULT_CAP, resolve, source);
      Duration lease = duration("leaseTimeout", annotation.leaseTimeout(),
          FunctionSpec.DEFAULT_LEASE_TIMEOUT, resolve, source);
      return b.retry(new RetryPolicy(annotation.maxAttempts(), base, annotation.retryFactor(), cap))
          .leaseTimeout(lease)
          .build();
    } catch (IllegalArgumentException | InvalidRequestException e) {
      // FunctionSpec, KeyedLimit and RetryPolicy say what is wrong with which value.
      throw new CroupierConfigurationException("@CroupierHandler(function = \"" + function + "\") on "
          + source + " is invalid: " + e.getMessage(), "fix the annotation's attributes", e);
    }
  }

  private static Duration duration(String attribute, String raw, Duration fallback,
      UnaryOperator<String> resolve, String source) {
    String text = resolve.apply(raw).trim();
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return DurationStyle.detectAndParse(text);
    } catch (IllegalArgumentException e) {
      throw new CroupierConfigurationException("@CroupierHandler on " + source + ": " + attribute
          + " '" + text + "' is not a duration",
          "write it as 30s, 500ms, 5m or ISO-8601 (PT30S), or leave it empty for the default");
    }
  }
}
