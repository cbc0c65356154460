package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.FifoListContender;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Redis memory per queued job: {@code used_memory} before and after enqueueing a backlog (no
 * worker runs), divided by the jobs. The yardstick is 100,000 jobs with a 51-byte payload
 * over 10 tenants; the bench's jobs carry their own encoding as payload (about 30-40 bytes), so
 * the table also shows the figure at a 51-byte payload: measured, minus the average payload
 * measured, plus 51 (every design here stores a payload once, as it is).
 */
public final class MemoryScenario implements Scenario {

  /** Jobs in the backlog at scale 1. */
  public static final long JOBS = 100_000;
  /** Tenants the backlog is spread over. */
  public static final int TENANTS = 10;
  /** The payload size the figures are normalised to. */
  public static final int PAYLOAD = 51;
  /** Jobs per enqueue call. */
  static final int BATCH = 1000;
  /** The target per queued job at a 51-byte payload (issue 11). */
  static final int TARGET_BYTES = 250;

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String description() {
    return "Redis memory per queued job (used_memory delta over a 100,000-job backlog, no workers)";
  }

  @Override
  public Report run(ScenarioSettings s) {
    long jobs = s.scaled(JOBS, 1000);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("jobs", jobs);
    params.put("tenants", TENANTS);
    params.put("normalisedPayloadBytes", PAYLOAD);
    Report report = new Report(name(), s.command(), params);
    MarkdownTable table = new MarkdownTable(List.of("contender", "jobs", "avg payload", "bytes/job",
        "bytes/job at a " + PAYLOAD + "-byte payload", "overhead beyond the payload"));
    List<String> names = s.contendersOr(List.of(FifoListContender.NAME, Contenders.CROUPIER_WEIGHTED));
    ContenderLoop.run(s, report, names, false, s.claimThreads(), (c, figures) -> {
      long payloadBytes = 0;
      long before = usedMemory(s.redisUrl());
      long seq = 0;
      long stamp = System.nanoTime();
      while (seq < jobs) {
        List<Job> batch = new ArrayList<>(BATCH);
        for (int k = 0; k < BATCH && seq < jobs; k++, seq++) {
          int tenant = (int) (seq % TENANTS);
          Job job = new Job(tenant, String.format("t%03d", tenant), "", seq, 0, stamp);
          payloadBytes += job.encode().getBytes(StandardCharsets.UTF_8).length;
          batch.add(job);
        }
        c.enqueue(batch);
      }
      long after = usedMemory(s.redisUrl());
      double perJob = (after - before) / (double) jobs;
      double payload = payloadBytes / (double) jobs;
      double overhead = perJob - payload;
      figures.put("jobs", jobs);
      figures.put("usedMemoryBefore", before);
      figures.put("usedMemoryAfter", after);
      figures.put("bytesPerJob", perJob);
      figures.put("averagePayloadBytes", payload);
      figures.put("bytesPerJobAt51BytePayload", overhead + PAYLOAD);
      table.row(List.of(c.name(), Format.count(jobs), Format.fixed(payload, 1), Format.fixed(perJob, 1),
          Format.fixed(overhead + PAYLOAD, 1), Format.fixed(overhead, 1)));
    });
    report.table(table);
    report.note("used_memory from INFO memory before and after the enqueues, on the same Redis, one"
        + " contender after the other (each deletes its keys when done). Target (issue 11): <= "
        + TARGET_BYTES + " bytes per queued job at a " + PAYLOAD + "-byte payload");
    return report;
  }

  private static long usedMemory(String url) {
    try (Jedis jedis = new Jedis(URI.create(url))) {
      for (String line : jedis.info("memory").split("\r?\n")) {
        if (line.startsWith("used_memory:")) {
          return Long.parseLong(line.substring("used_memory:".length()).trim());
        }
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory line");
  }
}
