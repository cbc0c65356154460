package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Job;
import dev.croupier.bench.contender.JobRunner;
import dev.croupier.bench.metrics.Execution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The stand-in handler: notes when a job starts, "works" for the job's cost by sleeping (the
 * queue, not the CPU, is under test), notes when it ends. Thread-safe.
 */
final class Trace implements JobRunner {

  private final ConcurrentLinkedQueue<Execution> executions = new ConcurrentLinkedQueue<>();
  private final LongAdder started = new LongAdder();
  private volatile StartListener listener;

  /** Told of each start (the latency scenario waits on it). */
  @FunctionalInterface
  interface StartListener {
    void started(Job job, long startNanos);
  }

  void onStart(StartListener l) {
    this.listener = l;
  }

  @Override
  public void run(Job job) {
    long start = System.nanoTime();
    started.increment();
    StartListener l = listener;
    if (l != null) {
      l.started(job, start);
    }
    work(job);
    executions.add(new Execution(job.tenantIndex(), job.enqueuedNanos(), start, System.nanoTime()));
  }

  /**
   * "Works" on {@code job} for its cost by sleeping; returns false, the interrupt flag restored,
   * when interrupted first.
   */
  static boolean work(Job job) {
    if (job.costMicros() > 0) {
      try {
        Thread.sleep(Duration.ofNanos(job.costMicros() * 1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Jobs started so far. */
  long started() {
    return started.sum();
  }

  /** The runs recorded so far. */
  List<Execution> executions() {
    return new ArrayList<>(executions);
  }
}
