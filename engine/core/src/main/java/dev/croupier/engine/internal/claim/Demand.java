package dev.croupier.engine.internal.claim;

import dev.croupier.engine.spi.JobSink;
import dev.croupier.api.LeasedJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sinks that take leased jobs, and credit reservations against them. A claim round reserves
 * credits first ({@link #reserve}), so it never leases a job no sink can take.
 */
public final class Demand {

  private final List<JobSink> sinks = new CopyOnWriteArrayList<>();

  /** Adds a sink. */
  public void attach(JobSink sink) {
    sinks.add(Objects.requireNonNull(sink, "sink"));
  }

  /** Removes a sink. */
  public void detach(JobSink sink) {
    sinks.remove(sink);
  }

  /**
   * Whether some sink takes jobs of {@code function}, with credits free now or not
   * ({@link JobSink#serves}).
   */
  public boolean serves(String function) {
    return sinks.stream().anyMatch(sink -> sink.serves(function));
  }

  /** Whether some sink has room for a job of {@code function} ({@link JobSink#hasRoom}). */
  public boolean hasRoom(String function) {
    return sinks.stream().anyMatch(sink -> sink.hasRoom(function));
  }

  /** Reserves up to {@code perFunction} credits for every function some sink serves. */
  public Credits reserve(int perFunction) {
    Credits credits = new Credits();
    for (JobSink sink : sinks) {
      for (String function : sink.functions()) {
        int want = perFunction - credits.available(function);
        if (want > 0) {
          int got = sink.reserve(function, want);
          if (got > 0) {
            credits.add(function, sink, got);
          }
        }
      }
    }
    return credits;
  }

  /** Credits reserved for one claim round: used by delivering jobs, the rest released at the end. */
  public static final class Credits implements AutoCloseable {
    private final Map<String, Deque<Grant>> grants = new HashMap<>();

    private void add(String function, JobSink sink, int count) {
      grants.computeIfAbsent(function, f -> new ArrayDeque<>()).add(new Grant(sink, count));
    }

    /** Credits left for {@code function}. */
    public int available(String function) {
      Deque<Grant> d = grants.get(function);
      if (d == null) {
        return 0;
      }
      int n = 0;
      for (Grant g : d) {
        n += g.count;
      }
      return n;
    }

    /** The functions with credits left. */
    public List<String> functions() {
      List<String> out = new ArrayList<>();
      grants.forEach((f, d) -> {
        if (available(f) > 0) {
          out.add(f);
        }
      });
      return out;
    }

    /** Credits left over all functions. */
    public int total() {
      int n = 0;
      for (String f : grants.keySet()) {
        n += available(f);
      }
      return n;
    }

    /**
     * Delivers leased jobs, each against one of its function's credits, handing each sink its
     * share in one {@link JobSink#deliverAll} call (in lease order).
     */
    public void deliverAll(List<LeasedJob> jobs) {
      if (jobs.size() == 1) {
        deliver(jobs.get(0));
        return;
      }
      Map<JobSink, List<LeasedJob>> bySink = new java.util.LinkedHashMap<>();
      for (LeasedJob job : jobs) {
        bySink.computeIfAbsent(take(job), s -> new ArrayList<>()).add(job);
      }
      bySink.forEach(JobSink::deliverAll);
    }

    /** Delivers a leased job against one of its function's credits. */
    public void deliver(LeasedJob job) {
      take(job).deliver(job);
    }

    /** Uses one of the job's function's credits; the sink that granted it. */
    private JobSink take(LeasedJob job) {
      Deque<Grant> d = grants.get(job.function());
      Grant g = d == null ? null : d.peekFirst();
      if (g == null) {
        throw new IllegalStateException("leased job " + job.id() + " of " + job.function()
            + " without a reserved credit");
      }
      g.count--;
      if (g.count == 0) {
        d.removeFirst();
      }
      return g.sink;
    }

    /** Releases every unused credit. */
    @Override
    public void close() {
      List<Runnable> releases = new ArrayList<>();
      grants.forEach((f, d) -> d.forEach(g -> {
        if (g.count > 0) {
          int n = g.count;
          releases.add(() -> g.sink.release(f, n));
        }
      }));
      grants.clear();
      releases.forEach(Runnable::run);
    }

    private static final class Grant {
      final JobSink sink;
      int count;

      Grant(JobSink sink, int count) {
        this.sink = sink;
        this.count = count;
      }
    }
  }
}
