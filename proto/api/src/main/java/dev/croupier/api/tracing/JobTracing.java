package dev.croupier.api.tracing;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import java.time.Instant;
import java.util.List;

/**
 * Traces jobs from enqueue to run, the same way in the embedded engine, the remote client and the
 * worker: an enqueue puts the caller's trace into the jobs' headers, a run continues it around the
 * handler. {@link #detect()} uses OpenTelemetry when its API is on the class path and does nothing
 * otherwise; OpenTelemetry is an optional dependency, never required.
 */
public interface JobTracing {

  /** Tracing that does nothing: requests keep their headers, runs make no span. */
  static JobTracing none() {
    return NoTracing.INSTANCE;
  }

  /**
   * OpenTelemetry's global instance ({@code GlobalOpenTelemetry}, looked up at each use, so one
   * installed after this call still counts) when {@code opentelemetry-api} is on the class path;
   * {@link #none()} when it is not.
   */
  static JobTracing detect() {
    return OpenTelemetryPresence.PRESENT ? OpenTelemetryTracing.global() : none();
  }

  /**
   * Starts tracing an enqueue of {@code requests}; {@link Enqueue#requests()} are the requests to
   * write, carrying the trace in their headers. Never throws.
   */
  Enqueue enqueue(List<JobRequest> requests);

  /** Starts tracing a delivery of {@code job}, started at {@code startedAt}. Never throws. */
  Run run(LeasedJob job, Instant startedAt);

  /** Where a span is current; closed on the thread that opened it. */
  interface Scope extends AutoCloseable {
    /** Restores the context that was current before. */
    @Override
    void close();
  }

  /** One traced enqueue call. */
  interface Enqueue {
    /** The requests to write: the given ones, with trace headers added where they had none. */
    List<JobRequest> requests();

    /** Makes the enqueue's span current on this thread until the scope is closed. */
    Scope makeCurrent();

    /** Ends the span: with the results, or with the error the enqueue failed with. */
    void end(List<EnqueueResult> results, Throwable error);
  }

  /** One traced delivery. */
  interface Run {
    /** Makes the run's span current on this thread (the handler's) until the scope is closed. */
    Scope makeCurrent();

    /** Ends the span with how the delivery ended; {@code error} is the handler's exception, if any. */
    void end(Outcome outcome, Throwable error);
  }
}
