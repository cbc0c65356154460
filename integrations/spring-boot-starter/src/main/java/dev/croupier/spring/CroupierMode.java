package dev.croupier.spring;

/** Where an application's jobs run, as {@code croupier.mode} says. */
public enum CroupierMode {

  /**
   * The engine runs in this application, on Redis ({@code croupier.embedded.*}); the
   * {@code Engine} is the {@link dev.croupier.api.JobProducer}. Needs
   * {@code dev.croupier:croupier-engine}.
   */
  EMBEDDED,

  /**
   * The application talks to engine nodes ({@code croupier.remote.*}): handlers run in a
   * {@code Worker}, jobs are enqueued through a {@code CroupierClient}, and the application needs
   * no Redis. Needs {@code dev.croupier:croupier-worker}.
   */
  REMOTE
}
