package dev.croupier.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.JobProducer;
import dev.croupier.api.JobState;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample application, started whole, running its jobs through the starter on a real Redis. */
@SpringBootTest(properties = "sample.signups=3")
// Closed after this class, while the test Redis still runs (it stops when the whole run ends).
@DirtiesContext
class SampleApplicationTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("croupier.embedded.redis-url", REDIS::url);
    registry.add("croupier.embedded.namespace", REDIS::newNamespace);
  }

  @Autowired
  JobProducer producer;

  @Autowired
  WelcomeJobs welcomeJobs;

  @Test
  void theRunnersJobs_ranAtStartUp_andMoreRunOnDemand() {
    // The runner enqueued 3 signups for each of 2 tenants and waited for them before start-up ended.
    assertThat(welcomeJobs.sent()).isEqualTo(6);

    String id = producer.enqueue("initech", "send-welcome",
        "late@initech.example".getBytes(StandardCharsets.UTF_8)).jobId();

    assertThat(producer.await(id, Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(welcomeJobs.sent()).isEqualTo(7);
  }
}
