package dev.croupier.bench.scenario;

import static dev.croupier.api.OptionChecks.requireNonNegative;
import static dev.croupier.api.OptionChecks.requireRange;

import dev.croupier.bench.workload.Arrivals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The noisy-neighbour workload: one big tenant's backlog, and late tenants arriving with small
 * bursts once it is queued. Immutable; build with {@link #newBuilder()}, whose defaults are the
 * benchmark's ({@link #forBenchmark} fits them to a run's settings).
 *
 * <p>The schedule: the big tenant enqueues {@code backlog} jobs, {@code batch} per call, either
 * before the workers start ({@code preload}) or while they run (then its enqueue stops when the
 * run's time is up). Counting from the moment its backlog is queued and the workers run, the late
 * tenants arrive in turn, evenly spread from {@code firstArrival} to {@code firstArrival +
 * arrivalSpan}, each enqueueing {@code burst} jobs. Every job runs for {@code jobCost}.
 *
 * @param bigTenant the tenant with the backlog
 * @param lateTenants the tenants that arrive after it, in order of arrival
 * @param backlog jobs the big tenant enqueues
 * @param burst jobs each late tenant enqueues
 * @param jobCost how long each job's handler runs (sleeps: the queue is under test, not the CPU)
 * @param firstArrival when the first late tenant arrives, after the backlog is queued
 * @param arrivalSpan from the first late tenant's arrival to the last's
 * @param preload whether the backlog is queued before the workers start
 * @param batch most jobs per enqueue call
 */
public record NoisyNeighbourOptions(
    String bigTenant,
    List<String> lateTenants,
    long backlog,
    int burst,
    Duration jobCost,
    Duration firstArrival,
    Duration arrivalSpan,
    boolean preload,
    int batch) {

  public static final String DEFAULT_BIG_TENANT = "big";
  public static final int DEFAULT_LATE_TENANT_COUNT = 20;
  public static final long DEFAULT_BACKLOG = 1_000_000;
  public static final int DEFAULT_BURST = 10;
  public static final Duration DEFAULT_JOB_COST = Duration.ofMillis(10);
  public static final Duration DEFAULT_FIRST_ARRIVAL = Duration.ofSeconds(3);
  public static final Duration DEFAULT_ARRIVAL_SPAN = Duration.ofSeconds(8);
  public static final boolean DEFAULT_PRELOAD = true;
  public static final int DEFAULT_BATCH = 5_000;
  /** The benchmark's smallest backlog, whatever the scale. */
  static final long MIN_SCALED_BACKLOG = 1_000;

  /** Validates every field; messages show the bad value. */
  public NoisyNeighbourOptions {
    Objects.requireNonNull(bigTenant, "bigTenant");
    lateTenants = List.copyOf(lateTenants);
    requireRange("lateTenants.size()", lateTenants.size(), 1, 10_000);
    var names = new HashSet<String>(lateTenants);
    if (names.size() < lateTenants.size() || names.contains(bigTenant)) {
      throw new IllegalArgumentException(
          "tenant names must be distinct: " + bigTenant + " and " + lateTenants);
    }
    if (backlog < 0 || backlog > 100_000_000) {
      throw new IllegalArgumentException("backlog must be between 0 and 100000000: " + backlog);
    }
    requireRange("burst", burst, 0, 1_000_000);
    Objects.requireNonNull(jobCost, "jobCost");
    requireNonNegative("jobCost", jobCost);
    Objects.requireNonNull(firstArrival, "firstArrival");
    requireNonNegative("firstArrival", firstArrival);
    Objects.requireNonNull(arrivalSpan, "arrivalSpan");
    requireNonNegative("arrivalSpan", arrivalSpan);
    requireRange("batch", batch, 1, 100_000);
  }

  /** The benchmark's workload for {@code s}: its backlog scaled, late arrivals over 15-55% of the run. */
  public static NoisyNeighbourOptions forBenchmark(ScenarioSettings s) {
    return newBuilder()
        .backlog(s.scaled(DEFAULT_BACKLOG, MIN_SCALED_BACKLOG))
        .firstArrival(s.duration().multipliedBy(15).dividedBy(100))
        .arrivalSpan(s.duration().multipliedBy(40).dividedBy(100))
        .build();
  }

  /** The late tenants' arrival offsets, counted from the moment the backlog is queued. */
  public Duration[] arrivals() {
    return Arrivals.evenly(lateTenants.size(), firstArrival, arrivalSpan);
  }

  /** Every tenant, the big one first: a tenant's index here is its index in the jobs. */
  public List<String> tenants() {
    List<String> all = new ArrayList<>(lateTenants.size() + 1);
    all.add(bigTenant);
    all.addAll(lateTenants);
    return all;
  }

  /** Jobs the late tenants enqueue together. */
  public long lateJobs() {
    return (long) burst * lateTenants.size();
  }

  /** A builder with the benchmark's defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The default late tenants: {@code late00} to {@code late19}. */
  static List<String> defaultLateTenants() {
    List<String> names = new ArrayList<>(DEFAULT_LATE_TENANT_COUNT);
    for (int t = 0; t < DEFAULT_LATE_TENANT_COUNT; t++) {
      names.add(String.format("late%02d", t));
    }
    return names;
  }

  /** Builds {@link NoisyNeighbourOptions}. */
  public static final class Builder {
    private String bigTenant = DEFAULT_BIG_TENANT;
    private List<String> lateTenants = defaultLateTenants();
    private long backlog = DEFAULT_BACKLOG;
    private int burst = DEFAULT_BURST;
    private Duration jobCost = DEFAULT_JOB_COST;
    private Duration firstArrival = DEFAULT_FIRST_ARRIVAL;
    private Duration arrivalSpan = DEFAULT_ARRIVAL_SPAN;
    private boolean preload = DEFAULT_PRELOAD;
    private int batch = DEFAULT_BATCH;

    private Builder() {}

    public Builder bigTenant(String v) { bigTenant = v; return this; }
    public Builder lateTenants(List<String> v) { lateTenants = v; return this; }
    public Builder backlog(long v) { backlog = v; return this; }
    public Builder burst(int v) { burst = v; return this; }
    public Builder jobCost(Duration v) { jobCost = v; return this; }
    public Builder firstArrival(Duration v) { firstArrival = v; return this; }
    public Builder arrivalSpan(Duration v) { arrivalSpan = v; return this; }
    public Builder preload(boolean v) { preload = v; return this; }
    public Builder batch(int v) { batch = v; return this; }

    /** Builds and validates the options. */
    public NoisyNeighbourOptions build() {
      return new NoisyNeighbourOptions(bigTenant, lateTenants, backlog, burst, jobCost, firstArrival,
          arrivalSpan, preload, batch);
    }
  }
}
