package dev.croupier.spring;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobContext;
import dev.croupier.api.JobHandler;
import dev.croupier.api.PermanentFailureException;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Application configurations the starter's tests run: handlers declared every supported way. */
final class TestApps {

  private TestApps() {}

  /** Annotated methods (each parameter kind), an annotated JobHandler class and a registration. */
  @Configuration(proxyBeanMethods = false)
  static class Handlers {

    @Bean
    Recorder recorder() {
      return new Recorder();
    }

    @Bean
    SmsJobs smsJobs(Recorder recorder) {
      return new SmsJobs(recorder);
    }

    @Bean
    TypedHandler typedHandler(Recorder recorder) {
      return new TypedHandler(recorder);
    }

    @Bean
    HandlerRegistration registeredHandler(Recorder recorder) {
      return HandlerRegistration.of(FunctionSpec.newBuilder("registered").concurrencyLimit(7).build(),
          job -> recorder.record(job.function(), job.tenant(), job.payloadUtf8()));
    }
  }

  /** A bean with handler methods. */
  static class SmsJobs {
    private final Recorder recorder;

    SmsJobs(Recorder recorder) {
      this.recorder = recorder;
    }

    @CroupierHandler(function = "send-sms", maxInFlight = 4, concurrencyLimit = 20,
        perTenantLimit = 2, keyedLimits = @CroupierHandler.Limit(key = "provider", limit = 3),
        maxAttempts = 3, retryBase = "10ms", retryFactor = 3.0, retryCap = "1s",
        leaseTimeout = "${test.sms-lease:45s}")
    void send(JobContext job) {
      recorder.record(job.function(), job.tenant(), job.payloadUtf8());
    }

    @CroupierHandler(function = "echo")
    void echo(String payload) {
      recorder.record("echo", "-", payload);
    }

    @CroupierHandler(function = "bytes")
    void bytes(byte[] payload) {
      recorder.record("bytes", "-", payload.length + ":" + new String(payload, StandardCharsets.UTF_8));
    }

    @CroupierHandler(function = "refuse", maxAttempts = 5)
    void refuse(String payload) {
      throw new PermanentFailureException("refused " + payload);
    }
  }

  /** A JobHandler bean whose class declares its function. */
  @CroupierHandler(function = "typed", maxInFlight = 2)
  static class TypedHandler implements JobHandler {
    private final Recorder recorder;

    TypedHandler(Recorder recorder) {
      this.recorder = recorder;
    }

    @Override
    public void handle(JobContext job) {
      recorder.record(job.function(), job.tenant(), job.payloadUtf8());
    }
  }
}
