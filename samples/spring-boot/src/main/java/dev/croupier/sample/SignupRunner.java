package dev.croupier.sample;

import dev.croupier.api.JobInfo;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.CommandLineRunner;
import org.springframework.stereotype.Component;

/**
 * Enqueues {@code sample.signups} welcome jobs per tenant through the {@link JobProducer} bean
 * (the same code whether the engine is embedded or remote) and waits for them.
 */
@Component
public class SignupRunner implements CommandLineRunner {

  private static final Logger log = LoggerFactory.getLogger(SignupRunner.class);

  private final JobProducer producer;
  private final int signups;

  /** A runner enqueueing through {@code producer}. */
  public SignupRunner(JobProducer producer, @Value("${sample.signups:5}") int signups) {
    this.producer = producer;
    this.signups = signups;
  }

  @Override
  public void run(String... args) {
    List<String> ids = new ArrayList<>();
    for (String tenant : List.of("acme", "globex")) {
      for (int i = 1; i <= signups; i++) {
        ids.add(producer.enqueue(JobRequest.newBuilder(tenant, "send-welcome")
            .payload("user-" + i + "@" + tenant + ".example")
            .idempotencyKey("welcome-" + tenant + "-" + i)
            .build()).jobId());
      }
    }
    for (String id : ids) {
      JobInfo info = producer.await(id, Duration.ofMinutes(1));
      log.info("job {} of {}: {}", id, info.tenant(), info.state());
    }
    log.info("{} welcome jobs done", ids.size());
  }
}
