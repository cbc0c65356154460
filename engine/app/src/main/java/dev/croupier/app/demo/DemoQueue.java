package dev.croupier.app.demo;

import java.util.List;

/**
 * A queue the workload runs through, with its workers: the naive FIFO list or Croupier. One
 * instance serves one run: {@link #start}, then enqueues, then {@link #stopWorkers}, then
 * {@link #close} (which removes every key the run wrote).
 */
interface DemoQueue extends AutoCloseable {

  /** A short name for reports: "fifo" or "croupier". */
  String name();

  /** Starts the workers; they report every handler start and end to {@code tally}. */
  void start(RunTally tally);

  /** Enqueues the jobs of one tenant in one round trip. */
  void enqueue(String tenant, List<DemoJob> jobs);

  /** Stops taking jobs and waits briefly for the ones in flight. */
  void stopWorkers();

  /** Deletes the run's keys and disconnects. */
  @Override
  void close();
}
