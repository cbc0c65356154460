package dev.croupier.bench.scenario;

import dev.croupier.bench.report.Format;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Where a contender's time goes, from outside: Redis CPU seconds and commands (INFO cpu, stats,
 * commandstats) and this JVM's CPU, all of it and the queue's part ({@link ThreadCpu}), as deltas
 * between two snapshots. Divided by the jobs served it
 * gives Redis CPU and round trips per job, the figures that bound a Redis-backed queue. Every
 * scenario takes one over its measured span, so a scheduler change shows its cost beside its
 * fairness.
 */
final class RedisProbe {

  /** The table columns of {@link Profile#cells()}. */
  static final List<String> COLUMNS =
      List.of("Redis CPU us/job", "Redis cmds/job", "JVM CPU us/job", "queue CPU us/job");

  private final String url;
  private Snapshot start;

  RedisProbe(String url) {
    this.url = url;
  }

  /** Takes the first snapshot. */
  void start() {
    start = snapshot();
  }

  /** The deltas since {@link #start()}, to be divided by {@code jobs}. */
  Profile stop(long jobs) {
    if (start == null) {
      throw new IllegalStateException("stop() before start()");
    }
    Snapshot end = snapshot();
    double redisCpu = end.redisCpu - start.redisCpu;
    Map<String, Object> perCommand = new LinkedHashMap<>();
    end.usecByCommand.forEach((cmd, usec) -> {
      long calls = end.callsByCommand.get(cmd) - start.callsByCommand.getOrDefault(cmd, 0L);
      long spent = usec - start.usecByCommand.getOrDefault(cmd, 0L);
      if (calls > 0) {
        perCommand.put(cmd, Map.of("calls", calls, "usecPerCall", (double) spent / calls,
            "cpuShare", redisCpu > 0 ? spent / 1e6 / redisCpu : 0));
      }
    });
    double jvmCpu = end.jvmCpuNanos < 0 || start.jvmCpuNanos < 0
        ? Double.NaN : (end.jvmCpuNanos - start.jvmCpuNanos) / 1e9;
    Map<String, Object> byRole = new LinkedHashMap<>();
    ThreadCpu.between(start.threads, end.threads)
        .forEach((role, seconds) -> byRole.put(role.name().toLowerCase(Locale.ROOT), seconds));
    double queueCpu = byRole.get("queue") instanceof Double d ? d : Double.NaN;
    return new Profile(jobs, redisCpu, end.commands - start.commands, jvmCpu, queueCpu, byRole,
        perCommand);
  }

  /**
   * What one measured span cost.
   *
   * @param jobs the jobs the span served (the divisor of every per-job figure)
   * @param redisCpuSeconds Redis server CPU (user + sys)
   * @param redisCommands commands Redis processed (a script counts once, plus its calls inside)
   * @param jvmCpuSeconds this JVM's CPU (NaN where the platform does not tell)
   * @param queueCpuSeconds the part of it the queue's threads spent ({@link ThreadCpu.Role#QUEUE};
   *     NaN where the platform does not tell)
   * @param cpuByRole CPU seconds of each {@link ThreadCpu.Role}, lower-case (empty where unknown)
   * @param perCommand per command: calls, usecPerCall, cpuShare
   */
  record Profile(long jobs, double redisCpuSeconds, long redisCommands, double jvmCpuSeconds,
      double queueCpuSeconds, Map<String, Object> cpuByRole, Map<String, Object> perCommand) {

    /** Redis CPU microseconds per job (NaN without jobs). */
    double redisCpuMicrosPerJob() {
      return perJob(redisCpuSeconds * 1e6);
    }

    /** Redis commands per job (NaN without jobs). */
    double redisCommandsPerJob() {
      return perJob(redisCommands);
    }

    /** JVM CPU microseconds per job (NaN without jobs or where unknown). */
    double jvmCpuMicrosPerJob() {
      return perJob(jvmCpuSeconds * 1e6);
    }

    /** The queue threads' CPU microseconds per job (NaN without jobs or where unknown). */
    double queueCpuMicrosPerJob() {
      return perJob(queueCpuSeconds * 1e6);
    }

    private double perJob(double total) {
      return jobs > 0 ? total / jobs : Double.NaN;
    }

    /** The per-job figures, formatted for {@link #COLUMNS}. */
    List<String> cells() {
      return List.of(Format.fixed(redisCpuMicrosPerJob(), 1), Format.fixed(redisCommandsPerJob(), 2),
          Format.fixed(jvmCpuMicrosPerJob(), 1), Format.fixed(queueCpuMicrosPerJob(), 1));
    }

    /** The figures as JSON (the per-job ones only with jobs). */
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("jobs", jobs);
      m.put("redisCpuSeconds", redisCpuSeconds);
      m.put("jvmCpuSeconds", jvmCpuSeconds);
      m.put("cpuSecondsByThreadRole", cpuByRole);
      m.put("redisCommands", redisCommands);
      if (jobs > 0) {
        m.put("redisCpuMicrosPerJob", redisCpuMicrosPerJob());
        m.put("jvmCpuMicrosPerJob", jvmCpuMicrosPerJob());
        m.put("queueCpuMicrosPerJob", queueCpuMicrosPerJob());
        m.put("redisCommandsPerJob", redisCommandsPerJob());
      }
      m.put("commands", perCommand);
      return m;
    }
  }

  private Snapshot snapshot() {
    Snapshot s = new Snapshot();
    try (Jedis jedis = new Jedis(URI.create(url))) {
      for (String line : jedis.info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
          s.redisCpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      for (String line : jedis.info("stats").split("\r?\n")) {
        if (line.startsWith("total_commands_processed:")) {
          s.commands = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      for (String line : jedis.info("commandstats").split("\r?\n")) {
        if (!line.startsWith("cmdstat_")) {
          continue;
        }
        String cmd = line.substring("cmdstat_".length(), line.indexOf(':'));
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
          String[] kv = field.split("=");
          if (kv[0].equals("calls")) {
            s.callsByCommand.put(cmd, Long.parseLong(kv[1]));
          } else if (kv[0].equals("usec")) {
            s.usecByCommand.put(cmd, Long.parseLong(kv[1]));
          }
        }
      }
    }
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      s.jvmCpuNanos = sun.getProcessCpuTime();
    }
    s.threads = ThreadCpu.sample();
    return s;
  }

  private static final class Snapshot {
    double redisCpu;
    long commands;
    long jvmCpuNanos = -1;
    Map<Long, ThreadCpu.Sample> threads = Map.of();
    final Map<String, Long> callsByCommand = new HashMap<>();
    final Map<String, Long> usecByCommand = new HashMap<>();
  }
}
