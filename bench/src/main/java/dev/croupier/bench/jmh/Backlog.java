package dev.croupier.bench.jmh;

import dev.croupier.engine.Engine;
import dev.croupier.api.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Loads a benchmark's backlog through the public batch enqueue. */
final class Backlog {

  static final int BATCH = 1000;
  static final byte[] PAYLOAD = new byte[32];

  private Backlog() {}

  /** Enqueues {@code count} jobs of {@code function}, job i for tenant {@code tenantOf(i)}. */
  static void load(Engine engine, String function, long count, LongFunction<String> tenantOf) {
    for (long from = 0; from < count; from += BATCH) {
      long to = Math.min(count, from + BATCH);
      List<JobRequest> batch = new ArrayList<>((int) (to - from));
      for (long i = from; i < to; i++) {
        batch.add(new JobRequest(tenantOf.apply(i), function, PAYLOAD, null));
      }
      engine.enqueueBatch(batch);
    }
  }
}
