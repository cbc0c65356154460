package dev.croupier.spring.internal;

import dev.croupier.spring.CroupierConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints a {@link CroupierConfigurationException} the way Spring Boot prints start-up failures:
 * what is wrong, then what to do, without the stack trace that buries both.
 */
public final class CroupierFailureAnalyzer extends AbstractFailureAnalyzer<CroupierConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, CroupierConfigurationException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
