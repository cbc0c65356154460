package dev.croupier.bench.jmh;

import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.Json;
import dev.croupier.bench.report.MarkdownTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH suites with the chosen timing and turns their results into tables and JSON. */
public final class JmhSuites {

  /** How long each trial runs. */
  public enum Timing {
    /** One warm-up and one measured iteration of 3 s: a smoke run. */
    QUICK(1, 1, 3),
    /** One warm-up and three measured iterations of 3 s: the default on a 2-core machine. */
    DEFAULT(1, 3, 3),
    /** Five warm-up and ten measured iterations of 5 s. */
    LONG(5, 10, 5);

    final int warmups;
    final int iterations;
    final int seconds;

    Timing(int warmups, int iterations, int seconds) {
      this.warmups = warmups;
      this.iterations = iterations;
      this.seconds = seconds;
    }
  }

  private final Timing timing;
  private final Path out;

  /** Suites run with {@code timing}, JSON written under {@code out}. */
  public JmhSuites(Timing timing, Path out) {
    this.timing = timing;
    this.out = out;
  }

  /** Runs the named suites; returns the markdown summary. */
  public String run(List<String> suites, List<String> threads, List<String> engines, List<String> queues)
      throws RunnerException, IOException {
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("timing", timing.name().toLowerCase());
    for (String suite : suites) {
      switch (suite) {
        case "contention" -> md.append(contention(threads, engines, json));
        case "scale" -> md.append(scale(queues, json));
        case "scripts" -> md.append(scripts(json));
        case "records" -> md.append(records(json));
        default -> throw new IllegalArgumentException("unknown suite '" + suite
            + "'; known: contention, scale, scripts, records");
      }
    }
    Path file = out.resolve("jmh-summary.json");
    Files.writeString(file, Json.write(json));
    return md.append("JSON: ").append(file).append(" (raw JMH results: ").append(out.resolve("jmh-*.json"))
        .append(")\n").toString();
  }

  private ChainedOptionsBuilder base(String suite, String include) {
    return new OptionsBuilder().include(include).forks(1)
        .warmupIterations(timing.warmups).warmupTime(TimeValue.seconds(timing.seconds))
        .measurementIterations(timing.iterations).measurementTime(TimeValue.seconds(timing.seconds))
        .jvmArgsAppend("-Xmx4g")
        .resultFormat(ResultFormatType.JSON).result(out.resolve("jmh-" + suite + ".json").toString());
  }

  private String contention(List<String> threads, List<String> engines, Map<String, Object> json)
      throws RunnerException {
    Collection<RunResult> results = new Runner(base("contention", ClaimBenchmark.class.getName() + ".claim")
        .param("claimThreads", threads.toArray(String[]::new))
        .param("engines", engines.toArray(String[]::new))
        .param("queues", "1000").build()).run();
    MarkdownTable t = new MarkdownTable(List.of("engines", "claim threads each", "jobs leased/s",
        "min iteration", "successful claims/s", "jobs per claim"));
    List<Object> rows = new ArrayList<>();
    for (RunResult r : results) {
      double jobs = aux(r, "jobs");
      double claims = aux(r, "claims");
      String e = r.getParams().getParam("engines");
      String th = r.getParams().getParam("claimThreads");
      // A minimum far below the mean means the backlog ran dry: raise -p jobs.
      t.row(List.of(e, th, Format.rate(jobs), Format.rate(minIteration(r, "jobs")), Format.rate(claims),
          String.format("%.1f", jobs / claims)));
      rows.add(Map.of("engines", e, "claimThreads", th, "jobsPerSecond", jobs, "claimsPerSecond", claims,
          "jobsPerClaim", jobs / claims));
    }
    json.put("contention", rows);
    return "### claim contention (1,000 queues)\n\n" + t.render()
        + "\n- target (DESIGN.md): more engines and claim threads never lower throughput; claims are"
        + " atomic scripts, so they never conflict\n\n";
  }

  private String scale(List<String> queues, Map<String, Object> json) throws RunnerException {
    Collection<RunResult> results = new Runner(base("scale", ClaimBenchmark.class.getName() + ".claim")
        .param("claimThreads", "2").param("engines", "1")
        .param("queues", queues.toArray(String[]::new)).build()).run();
    MarkdownTable t = new MarkdownTable(List.of("active queues", "jobs leased/s", "vs smallest",
        "min iteration"));
    List<Object> rows = new ArrayList<>();
    double first = Double.NaN;
    for (RunResult r : results) {
      double jobs = aux(r, "jobs");
      if (Double.isNaN(first)) {
        first = jobs;
      }
      String q = r.getParams().getParam("queues");
      t.row(List.of(q, Format.rate(jobs), Format.fixed(jobs / first, 2), Format.rate(minIteration(r, "jobs"))));
      rows.add(Map.of("queues", q, "jobsPerSecond", jobs, "ratioToSmallest", jobs / first));
    }
    json.put("scale", rows);
    return "### scale in queues (1 engine, 2 claim threads)\n\n" + t.render()
        + "\n- target (DESIGN.md): at 1,000,000 queues >= 0.80 of the throughput at 100\n\n";
  }

  private String scripts(Map<String, Object> json) throws RunnerException {
    return "### Lua script cost (one client, round trip included)\n\n"
        + means("scripts", ScriptBenchmark.class, "script (one call)", "us per call", 1, "microsPerCall", json);
  }

  private String records(Map<String, Object> json) throws RunnerException {
    return "### a job's record: today's hash against one string, packed or MessagePack (one Lua call per "
        + RecordBenchmark.JOBS + " jobs)\n\n"
        + means("records", RecordBenchmark.class, "step, record", "us per job", 2, "microsPerJob", json);
  }

  /**
   * Runs every benchmark of {@code type} as suite {@code suite}: a table of each one's mean (in
   * {@code unit}, {@code digits} decimals) and error, also put in {@code json} under the suite.
   */
  private String means(String suite, Class<?> type, String what, String unit, int digits, String field,
      Map<String, Object> json) throws RunnerException {
    Collection<RunResult> results = new Runner(base(suite, type.getName()).build()).run();
    MarkdownTable t = new MarkdownTable(List.of(what, unit, "error"));
    Map<String, Object> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      Result<?> p = r.getPrimaryResult();
      t.row(List.of(name, Format.fixed(p.getScore(), digits), Format.fixed(p.getScoreError(), digits)));
      rows.put(name, Map.of(field, p.getScore(), "error", p.getScoreError()));
    }
    json.put(suite, rows);
    return t.render() + "\n";
  }

  private static double minIteration(RunResult r, String name) {
    return r.getBenchmarkResults().stream()
        .flatMap(b -> b.getIterationResults().stream())
        .map(i -> i.getSecondaryResults().get(name))
        .filter(java.util.Objects::nonNull)
        .mapToDouble(Result::getScore).min().orElse(Double.NaN);
  }

  private static double aux(RunResult r, String name) {
    Result<?> res = r.getSecondaryResults().get(name);
    return res == null ? Double.NaN : res.getScore();
  }
}
