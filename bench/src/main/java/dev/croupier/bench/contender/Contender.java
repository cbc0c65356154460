package dev.croupier.bench.contender;

import java.util.List;

/**
 * A queue design under test. A scenario enqueues jobs, starts worker slots, lets them run, and
 * closes the contender, which stops its workers and deletes its keys. Implementations are
 * thread-safe for enqueue while workers run.
 */
public interface Contender extends AutoCloseable {

  /** The name in reports, e.g. {@code fifo-list}. */
  String name();

  /**
   * Gives tenants plan weights; designs without weights ignore this. Call before enqueueing, or
   * while the workers run to change a weight live.
   */
  default void configureWeights(String[] tenants, double[] weights) {}

  /** Whether {@link #configureWeights} means anything to this design. */
  default boolean takesWeights() {
    return false;
  }

  /** Enqueues jobs (pipelined or batched: one call is one producer batch). */
  void enqueue(List<Job> jobs);

  /** Starts {@code slots} worker slots that hand every job they take to {@code runner}. */
  void start(int slots, JobRunner runner);

  /** Stops the workers (jobs running finish first) and deletes this contender's keys. */
  @Override
  void close();
}
