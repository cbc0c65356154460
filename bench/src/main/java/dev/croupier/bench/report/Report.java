package dev.croupier.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one scenario run produced: the command and parameters that made it, every figure per
 * contender, the summary table, the charts written and notes. Written as JSON and printed as
 * markdown.
 */
public final class Report {

  private final String scenario;
  private final String command;
  private final Map<String, Object> parameters;
  private final Map<String, Object> environment = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> contenders = new LinkedHashMap<>();
  private final List<MarkdownTable> tables = new ArrayList<>();
  private final List<String> charts = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Instant started = Instant.now();

  /** A report of {@code scenario}, produced by {@code command} with {@code parameters}. */
  public Report(String scenario, String command, Map<String, Object> parameters) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    this.command = Objects.requireNonNull(command, "command");
    this.parameters = new LinkedHashMap<>(parameters);
    environment.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    environment.put("cpus", Runtime.getRuntime().availableProcessors());
    environment.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    // Other processes on the machine skew every figure: record how busy it was at the start.
    environment.put("loadAverageAtStart",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** The scenario's name. */
  public String scenario() {
    return scenario;
  }

  /** Records an environment fact (e.g. the Redis version). */
  public void environment(String key, Object value) {
    environment.put(key, value);
  }

  /** The figures of one contender (created on first use, kept in insertion order). */
  public Map<String, Object> contender(String name) {
    return contenders.computeIfAbsent(name, k -> new LinkedHashMap<>());
  }

  /** Adds a summary table. */
  public void table(MarkdownTable table) {
    tables.add(table);
  }

  /** Records a chart file written. */
  public void chart(Path file) {
    charts.add(file.toString());
  }

  /** Adds a note (a caveat, a missed target, what a figure means). */
  public void note(String note) {
    notes.add(note);
  }

  /** The report as a JSON tree. */
  public Map<String, Object> toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("scenario", scenario);
    root.put("command", command);
    root.put("started", started.toString());
    root.put("parameters", parameters);
    root.put("environment", environment);
    root.put("contenders", contenders);
    List<Object> ts = new ArrayList<>();
    for (MarkdownTable t : tables) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("header", t.header());
      m.put("rows", t.rows());
      ts.add(m);
    }
    root.put("tables", ts);
    root.put("charts", charts);
    root.put("notes", notes);
    return root;
  }

  /** The report as markdown: heading, command, tables, notes, charts. */
  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append("## ").append(scenario).append("\n\n");
    out.append("```\n").append(command).append("\n```\n\n");
    for (MarkdownTable t : tables) {
      out.append(t.render()).append('\n');
    }
    for (String n : notes) {
      out.append("- ").append(n).append('\n');
    }
    if (!charts.isEmpty()) {
      out.append(notes.isEmpty() ? "" : "\n").append("Charts: ").append(String.join(", ", charts)).append('\n');
    }
    return out.toString();
  }

  /** Writes the JSON to {@code file}, creating its directory. */
  public void writeJson(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Files.writeString(file, Json.write(toJson()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }
}
