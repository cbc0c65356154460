package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contender;
import dev.croupier.bench.contender.Job;
import java.util.ArrayList;
import java.util.List;

/** Loading a prepared backlog into a contender in producer-sized batches, timed. */
final class Backlogs {

  /** Jobs per enqueue call while loading. */
  static final int LOAD_BATCH = 5_000;

  private Backlogs() {}

  /** Enqueues {@code jobs} (stamped now, batch by batch); returns the seconds it took. */
  static double load(Contender contender, List<Job> jobs) {
    long began = System.nanoTime();
    for (int from = 0; from < jobs.size(); from += LOAD_BATCH) {
      List<Job> part = jobs.subList(from, Math.min(jobs.size(), from + LOAD_BATCH));
      long now = System.nanoTime();
      List<Job> stamped = new ArrayList<>(part.size());
      for (Job j : part) {
        stamped.add(j.enqueuedAt(now));
      }
      contender.enqueue(stamped);
    }
    return (System.nanoTime() - began) / 1e9;
  }
}
