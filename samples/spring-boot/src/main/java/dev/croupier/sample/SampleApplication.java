package dev.croupier.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application using Croupier through its starter: {@link WelcomeJobs} handles the
 * {@code send-welcome} function, {@link SignupRunner} enqueues a few jobs at start-up and waits
 * for them, and {@code application.yaml} points the embedded engine at Redis.
 */
@SpringBootApplication
public class SampleApplication {

  /** Runs the application; it exits once the runner is done, draining running jobs first. */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
