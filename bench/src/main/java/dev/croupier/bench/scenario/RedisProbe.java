package dev.croupier.bench.scenario;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Where a contender's time goes, from outside: Redis CPU seconds and commands (INFO cpu, stats,
 * commandstats) and this JVM's CPU, as deltas between two snapshots. Divided by the jobs served it
 * gives Redis CPU and round trips per job, the figures that bound a Redis-backed queue.
 */
final class RedisProbe {

  private final String url;
  private Snapshot start;

  RedisProbe(String url) {
    this.url = url;
  }

  /** Takes the first snapshot. */
  void start() {
    start = snapshot();
  }

  /** The deltas since {@link #start()}, per job where {@code jobs} > 0. */
  Map<String, Object> stop(long jobs) {
    Snapshot end = snapshot();
    Map<String, Object> m = new LinkedHashMap<>();
    double redisCpu = end.redisCpu - start.redisCpu;
    double jvmCpu = (end.jvmCpuNanos - start.jvmCpuNanos) / 1e9;
    long commands = end.commands - start.commands;
    m.put("redisCpuSeconds", redisCpu);
    m.put("jvmCpuSeconds", jvmCpu);
    m.put("redisCommands", commands);
    if (jobs > 0) {
      m.put("redisCpuMicrosPerJob", redisCpu * 1e6 / jobs);
      m.put("jvmCpuMicrosPerJob", jvmCpu * 1e6 / jobs);
      m.put("redisCommandsPerJob", (double) commands / jobs);
    }
    Map<String, Object> perCommand = new LinkedHashMap<>();
    end.usecByCommand.forEach((cmd, usec) -> {
      long calls = end.callsByCommand.get(cmd) - start.callsByCommand.getOrDefault(cmd, 0L);
      long spent = usec - start.usecByCommand.getOrDefault(cmd, 0L);
      if (calls > 0) {
        perCommand.put(cmd, Map.of("calls", calls, "usecPerCall", (double) spent / calls,
            "cpuShare", redisCpu > 0 ? spent / 1e6 / redisCpu : 0));
      }
    });
    m.put("commands", perCommand);
    return m;
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
    return s;
  }

  private static final class Snapshot {
    double redisCpu;
    long commands;
    long jvmCpuNanos;
    final Map<String, Long> callsByCommand = new HashMap<>();
    final Map<String, Long> usecByCommand = new HashMap<>();
  }
}
