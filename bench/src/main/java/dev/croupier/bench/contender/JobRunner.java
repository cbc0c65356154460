package dev.croupier.bench.contender;

/** What a contender's worker slot does with a job it took: the scenario's stand-in handler. */
@FunctionalInterface
public interface JobRunner {

  /** Runs the job on the calling slot; returns when the job is done. */
  void run(Job job);
}
