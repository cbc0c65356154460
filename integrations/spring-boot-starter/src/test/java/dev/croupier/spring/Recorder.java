package dev.croupier.spring;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** What test handlers saw, one line per job: {@code function tenant payload}. */
final class Recorder {

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  void record(String function, String tenant, String payload) {
    lines.add(function + " " + tenant + " " + payload);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }
}
