package dev.croupier.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.Reason;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierAdmin;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the admin commands share: the connection options, {@code --json}, and how records are
 * printed (aligned tables for people, JSON for scripts; both from the same maps, so they agree).
 */
abstract class AdminSupport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;
  @Mixin ConnectOptions connect;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  /** Connects as an operator (the token decides what is allowed). */
  CroupierAdmin connect(String clientName) {
    ClientOptions.Builder options = ClientOptions.newBuilder()
        .addresses(connect.addresses)
        .token(connect.token)
        .clientName(clientName);
    if (connect.tls || connect.tlsTrust != null) {
      options.tls(connect.tlsTrust);
    }
    return CroupierAdmin.connect(options.build());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints one record: JSON, or "key  value" lines. */
  void printRecord(Map<String, Object> record) {
    if (json) {
      printJson(record);
      return;
    }
    int width = record.keySet().stream().mapToInt(String::length).max().orElse(0);
    record.forEach((k, v) -> out().printf("%-" + width + "s  %s%n", k, text(v)));
    out().flush();
  }

  /** Prints rows: JSON (an object with the rows and the extra fields), or an aligned table. */
  void printTable(List<Map<String, Object>> rows, Map<String, Object> extra) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("items", rows);
      doc.putAll(extra);
      printJson(doc);
      return;
    }
    out().print(table(rows));
    extra.forEach((k, v) -> {
      if (v != null) {
        out().printf("%s: %s%n", k, text(v));
      }
    });
    out().flush();
  }

  void printJson(Object value) {
    try {
      out().println(JSON.writeValueAsString(value));
      out().flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** An aligned table with a header line; empty rows print "(none)". */
  static String table(List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return "(none)\n";
    }
    List<String> cols = new ArrayList<>(rows.get(0).keySet());
    int[] w = new int[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      w[i] = cols.get(i).length();
      for (Map<String, Object> r : rows) {
        w[i] = Math.max(w[i], text(r.get(cols.get(i))).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cols.size(); i++) {
      b.append(String.format("%-" + w[i] + "s", cols.get(i).toUpperCase(Locale.ROOT))).append(i + 1 < cols.size() ? "  " : "");
    }
    b.append('\n');
    for (Map<String, Object> r : rows) {
      for (int i = 0; i < cols.size(); i++) {
        Object v = r.get(cols.get(i));
        String s = text(v);
        b.append(v instanceof Number ? String.format("%" + w[i] + "s", s) : String.format("%-" + w[i] + "s", s))
            .append(i + 1 < cols.size() ? "  " : "");
      }
      b.append('\n');
    }
    return b.toString();
  }

  static String text(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%.3f", d);
    }
    return v.toString();
  }

  // ---- records as maps (the same keys in tables and JSON) ----

  static Map<String, Object> tenant(TenantConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tenant", c.tenant());
    m.put("weight", c.weight());
    m.put("concurrency_limit", c.concurrencyLimit());
    m.put("paused", c.paused());
    return m;
  }

  static Map<String, Object> tenantStats(TenantStats t) {
    Map<String, Object> m = tenant(t.config());
    m.put("queued", t.queued());
    m.put("due", t.due());
    m.put("delayed", t.delayed());
    m.put("running", t.running());
    m.put("dead", t.dead());
    m.put("served_share", t.servedShare());
    m.put("weight_share", t.weightShare());
    m.put("wait_p50_ms", t.waitP50() == null ? null : t.waitP50().toMillis());
    m.put("wait_p99_ms", t.waitP99() == null ? null : t.waitP99().toMillis());
    return m;
  }

  static Map<String, Object> function(FunctionStats f) {
    FunctionSpec s = f.spec();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("function", s.name());
    m.put("registration", f.registration().name().toLowerCase(Locale.ROOT));
    m.put("paused", f.paused());
    m.put("concurrency_limit", s.concurrencyLimit());
    m.put("per_tenant_limit", s.perTenantLimit());
    List<String> keys = new ArrayList<>();
    for (KeyedLimit k : s.keyedLimits()) {
      keys.add(k.key() + "=" + k.limit());
    }
    m.put("keyed_limits", String.join(",", keys));
    m.put("max_attempts", s.retry().maxAttempts());
    m.put("backoff", s.retry().base().toMillis() + "ms*" + s.retry().factor() + "<=" + s.retry().cap().toMillis() + "ms");
    m.put("lease_ms", s.leaseTimeout().toMillis());
    m.put("queued", f.queued());
    m.put("running", f.running());
    m.put("dead", f.dead());
    m.put("workers", f.workers());
    m.put("free_credits", f.freeCredits());
    return m;
  }

  static Map<String, Object> job(JobInfo j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", j.id());
    m.put("tenant", j.tenant());
    m.put("function", j.function());
    m.put("state", j.state().name().toLowerCase(Locale.ROOT));
    m.put("attempts", j.attempts());
    m.put("max_attempts", j.maxAttempts());
    m.put("enqueued_at", instant(j.enqueuedAt()));
    m.put("run_at", instant(j.runAt()));
    m.put("finished_at", instant(j.finishedAt()));
    m.put("last_error", j.lastError());
    return m;
  }

  static Map<String, Object> explanation(Explanation e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", e.jobId());
    m.put("tenant", e.tenant());
    m.put("function", e.function());
    m.put("state", e.state().name().toLowerCase(Locale.ROOT));
    m.put("reason", e.reason().kind().name());
    m.put("message", e.message());
    Map<String, Object> numbers = new LinkedHashMap<>();
    switch (e.reason()) {
      case Reason.TenantPaused r -> numbers.put("tenant", r.tenant());
      case Reason.FunctionPaused r -> numbers.put("function", r.function());
      case Reason.Delayed r -> numbers.put("until", instant(r.until()));
      case Reason.BackingOff r -> {
        numbers.put("until", instant(r.until()));
        numbers.put("attempt", r.attempt());
        numbers.put("last_error", r.lastError());
      }
      case Reason.ConcurrencyKeyAtLimit r -> {
        numbers.put("key", r.key());
        numbers.put("value", r.value());
        numbers.put("in_use", r.inUse());
        numbers.put("limit", r.limit());
      }
      case Reason.FunctionAtLimit r -> {
        numbers.put("in_use", r.inUse());
        numbers.put("limit", r.limit());
      }
      case Reason.TenantAtLimit r -> {
        numbers.put("in_use", r.inUse());
        numbers.put("limit", r.limit());
      }
      case Reason.TenantFunctionAtLimit r -> {
        numbers.put("in_use", r.inUse());
        numbers.put("limit", r.limit());
      }
      case Reason.NoWorker r -> {
        numbers.put("registered", r.registered());
        numbers.put("stalled_for_ms", r.stalledFor().toMillis());
      }
      case Reason.WaitingFairTurn r -> {
        numbers.put("position", r.position());
        numbers.put("ready_tenants", r.readyTenants());
        numbers.put("jobs_ahead", r.jobsAhead());
        numbers.put("estimate_ms", r.estimate() == null ? null : r.estimate().toMillis());
      }
      case Reason.Running r -> {
        numbers.put("since", instant(r.since()));
        numbers.put("lease_deadline", instant(r.leaseDeadline()));
        numbers.put("attempt", r.attempt());
        numbers.put("worker", r.worker());
        numbers.put("node", r.node());
      }
      case Reason.Finished r -> numbers.put("at", instant(r.at()));
      case Reason.Dead r -> {
        numbers.put("at", instant(r.at()));
        numbers.put("attempts", r.attempts());
        numbers.put("last_error", r.lastError());
      }
    }
    m.put("details", numbers);
    return m;
  }

  static String instant(Instant i) {
    return i == null ? null : i.toString();
  }

  /** A duration as "250ms", "30s", "5m", "1h", or ISO-8601 ("PT1M30S"). */
  static Duration duration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt")) {
        return Duration.parse(s.trim());
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + s + "' is not a duration: write e.g. 500ms, 30s, 5m, 1h");
    }
  }
}
