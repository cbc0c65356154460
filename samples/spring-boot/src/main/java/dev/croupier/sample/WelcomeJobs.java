package dev.croupier.sample;

import dev.croupier.api.JobContext;
import dev.croupier.spring.CroupierHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Sends welcome messages: one job per signup, at most 2 at once per tenant. */
@Component
public class WelcomeJobs {

  private static final Logger log = LoggerFactory.getLogger(WelcomeJobs.class);

  private final AtomicInteger sent = new AtomicInteger();

  /** Sends one welcome message; throwing would retry it with backoff (up to 5 attempts). */
  @CroupierHandler(function = "send-welcome", maxInFlight = 8, perTenantLimit = 2,
      maxAttempts = 5, leaseTimeout = "30s")
  public void send(JobContext job) {
    // A real service would call its mail or SMS provider here.
    log.info("welcome sent to {} of tenant {} (attempt {})", job.payloadUtf8(), job.tenant(),
        job.attempt());
    sent.incrementAndGet();
  }

  /** Messages sent so far. */
  public int sent() {
    return sent.get();
  }
}
