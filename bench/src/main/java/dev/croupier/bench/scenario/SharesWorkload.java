package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A saturation workload: tenants with backlogs queued before the workers start, their plan
 * weights, and how long each tenant's jobs run. Tenant {@code i} is named {@code t%03d} and is
 * index {@code i} in the jobs and the metrics; tenant 0 may spread its backlog over many queues.
 *
 * @param tenants the tenants' names
 * @param weights each tenant's plan weight
 * @param sizes each tenant's backlog in jobs
 * @param costs how long each tenant's jobs run
 * @param spreadQueues over how many queues tenant 0 spreads its backlog (1 = its default queue)
 */
record SharesWorkload(String[] tenants, double[] weights, long[] sizes, Duration[] costs, int spreadQueues) {

  /** Checks that every array has one entry per tenant. */
  SharesWorkload {
    int n = tenants.length;
    if (n == 0 || weights.length != n || sizes.length != n || costs.length != n) {
      throw new IllegalArgumentException("one weight, size and cost per tenant: " + n + " tenants, "
          + weights.length + " weights, " + sizes.length + " sizes, " + costs.length + " costs");
    }
    if (spreadQueues < 1) {
      throw new IllegalArgumentException("spreadQueues must be positive: " + spreadQueues);
    }
  }

  /** {@code t000} to {@code t<n-1>}. */
  static String[] names(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = String.format("t%03d", i);
    }
    return names;
  }

  /** Every tenant's jobs running for {@code cost}. */
  static Duration[] sameCost(int n, Duration cost) {
    Duration[] costs = new Duration[n];
    Arrays.fill(costs, cost);
    return costs;
  }

  /** How many tenants. */
  int size() {
    return tenants.length;
  }

  /** Every job, interleaved across tenants the way producers' jobs arrive (seeded shuffle). */
  List<Job> jobs(long seed) {
    List<Job> jobs = new ArrayList<>();
    long seq = 0;
    for (int i = 0; i < tenants.length; i++) {
      long costMicros = costs[i].toNanos() / 1000;
      for (long k = 0; k < sizes[i]; k++) {
        String queue = i == 0 && spreadQueues > 1 ? "q" + (k % spreadQueues) : "";
        jobs.add(new Job(i, tenants[i], queue, seq++, costMicros, 0));
      }
    }
    // A FIFO then sees a realistic mix, not one tenant after another.
    Collections.shuffle(jobs, new Random(seed));
    return jobs;
  }

  /** The workload's parameters for a report. */
  Map<String, Object> parameters() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tenants", tenants.length);
    m.put("totalJobs", Arrays.stream(sizes).sum());
    m.put("backlogs", sizes);
    m.put("weights", weights);
    m.put("costMs", Arrays.stream(costs).mapToDouble(d -> d.toNanos() / 1e6).toArray());
    m.put("spreadQueues", spreadQueues);
    return m;
  }
}
