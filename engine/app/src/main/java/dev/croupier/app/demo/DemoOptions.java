package dev.croupier.app.demo;

import static dev.croupier.api.OptionChecks.requireNonNegative;
import static dev.croupier.api.OptionChecks.requirePositive;
import static dev.croupier.api.OptionChecks.requireRange;

import dev.croupier.engine.EngineOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The noisy-neighbour workload and its budget. Immutable; build with {@link #newBuilder()}.
 *
 * <p>The schedule: workers start, the big tenant enqueues {@code big} jobs in batches of
 * {@code chunk}; {@code smallDelay} after that enqueue has <em>finished</em> (so its whole backlog
 * is queued), each small tenant enqueues {@code small} jobs. Every job sleeps {@code jobTime}
 * (simulated provider I/O) on one of {@code slots} concurrent slots. A run ends when every tenant
 * is drained or {@code budget} after it started, whichever comes first, but never before the small
 * tenants enqueued and had two seconds to start (the big enqueue stops at the budget).
 *
 * @param redisUrl the Redis both runs use
 * @param budget how long one run may take
 * @param slots concurrent job slots (FIFO worker threads, or the engine's max in flight)
 * @param jobTime how long each job's handler sleeps
 * @param big jobs the big tenant enqueues
 * @param small jobs each small tenant enqueues
 * @param smallDelay pause between the end of the big enqueue and the small tenants' enqueues
 * @param chunk jobs per enqueue batch
 * @param claimThreads claim loops of the Croupier run's engine (its other options are defaults)
 */
public record DemoOptions(
    String redisUrl,
    Duration budget,
    int slots,
    Duration jobTime,
    int big,
    int small,
    Duration smallDelay,
    int chunk,
    int claimThreads) {

  /** The tenant with the backlog. */
  public static final String BIG_TENANT = "A";
  /** The tenants that arrive after it. */
  public static final List<String> SMALL_TENANTS = List.of("B", "C", "D");

  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
  public static final int DEFAULT_SLOTS = 32;
  public static final Duration DEFAULT_JOB_TIME = Duration.ofMillis(5);
  public static final int DEFAULT_BIG = 100_000;
  public static final int DEFAULT_SMALL = 200;
  public static final Duration DEFAULT_SMALL_DELAY = Duration.ofMillis(300);
  public static final int DEFAULT_CHUNK = 1_000;
  public static final int DEFAULT_CLAIM_THREADS = EngineOptions.DEFAULT_CLAIM_THREADS;

  /** Validates every field; messages show the bad value. */
  public DemoOptions {
    Objects.requireNonNull(redisUrl, "redisUrl");
    requirePositive("budget", budget);
    Objects.requireNonNull(jobTime, "jobTime");
    if (jobTime.isNegative()) {
      throw new IllegalArgumentException("jobTime must not be negative: " + jobTime);
    }
    Objects.requireNonNull(smallDelay, "smallDelay");
    requireNonNegative("smallDelay", smallDelay);
    requireRange("slots", slots, 1, 10_000);
    requireRange("big", big, 0, 10_000_000);
    requireRange("small", small, 0, 1_000_000);
    requireRange("chunk", chunk, 1, 100_000);
    requireRange("claimThreads", claimThreads, 1, 256);
  }

  /** Jobs in the whole workload. */
  public long totalJobs() {
    return big + (long) small * SMALL_TENANTS.size();
  }



  /** A builder with every default; only the Redis URL is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds {@link DemoOptions}. */
  public static final class Builder {
    private String redisUrl;
    private Duration budget = DEFAULT_BUDGET;
    private int slots = DEFAULT_SLOTS;
    private Duration jobTime = DEFAULT_JOB_TIME;
    private int big = DEFAULT_BIG;
    private int small = DEFAULT_SMALL;
    private Duration smallDelay = DEFAULT_SMALL_DELAY;
    private int chunk = DEFAULT_CHUNK;
    private int claimThreads = DEFAULT_CLAIM_THREADS;

    private Builder() {}

    public Builder redisUrl(String v) { redisUrl = v; return this; }
    public Builder budget(Duration v) { budget = v; return this; }
    public Builder slots(int v) { slots = v; return this; }
    public Builder jobTime(Duration v) { jobTime = v; return this; }
    public Builder big(int v) { big = v; return this; }
    public Builder small(int v) { small = v; return this; }
    public Builder smallDelay(Duration v) { smallDelay = v; return this; }
    public Builder chunk(int v) { chunk = v; return this; }
    public Builder claimThreads(int v) { claimThreads = v; return this; }

    /** Builds and validates the options. */
    public DemoOptions build() {
      return new DemoOptions(redisUrl, budget, slots, jobTime, big, small, smallDelay, chunk,
          claimThreads);
    }
  }
}
