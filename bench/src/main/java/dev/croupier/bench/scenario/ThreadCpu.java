package dev.croupier.bench.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * This JVM's CPU split by who spent it, from Linux's per-thread accounting
 * ({@code /proc/self/task/<tid>/schedstat}: nanoseconds on CPU; {@code comm}: the thread's name,
 * cut to 15 characters). The process total mixes the queue with the benchmark's own producers
 * and with the JIT still compiling, and the design's CPU target is for the queue alone (node and
 * worker): {@link Role#QUEUE} is every thread that is neither, GC and job threads included.
 */
final class ThreadCpu {

  /** Who a thread works for. */
  enum Role {
    /** The engine, node, worker and the jobs' threads, and the GC: what running the queue costs. */
    QUEUE,
    /** The benchmark's producer threads and the producer client's threads. */
    PRODUCER,
    /** The JIT compilers (warm-up; they are idle in a steady state). */
    JIT
  }

  private static final Path TASKS = Path.of("/proc/self/task");

  private ThreadCpu() {}

  /** The role of a thread named {@code comm} (as {@code /proc} gives it: 15 characters at most). */
  static Role roleOf(String comm) {
    if (comm.startsWith("producer") || comm.startsWith("croupier-client")) {
      return Role.PRODUCER;
    }
    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
      return Role.JIT;
    }
    return Role.QUEUE;
  }

  /** CPU nanoseconds of each live thread, by thread id; empty where {@code /proc} is missing. */
  static Map<Long, Sample> sample() {
    Map<Long, Sample> out = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return out;
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      tasks.forEach(task -> {
        try {
          String stat = Files.readString(task.resolve("schedstat")).trim();
          long nanos = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
          String comm = Files.readString(task.resolve("comm")).trim();
          out.put(Long.parseLong(task.getFileName().toString()), new Sample(roleOf(comm), nanos));
        } catch (IOException | RuntimeException gone) {
          // The thread ended between the listing and the read: it has no delta to give.
        }
      });
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /**
   * CPU seconds per role between two samples. A thread that started in between counts from zero;
   * one that ended in between is lost (threads here live as long as their contender).
   */
  static Map<Role, Double> between(Map<Long, Sample> start, Map<Long, Sample> end) {
    Map<Role, Double> out = new EnumMap<>(Role.class);
    if (start.isEmpty() || end.isEmpty()) {
      return out;
    }
    for (Role r : Role.values()) {
      out.put(r, 0.0);
    }
    end.forEach((tid, e) -> {
      Sample s = start.get(tid);
      long from = s == null ? 0 : s.nanos();
      out.merge(e.role(), (e.nanos() - from) / 1e9, Double::sum);
    });
    return out;
  }

  /** One thread's role and CPU nanoseconds so far. */
  record Sample(Role role, long nanos) {}
}
