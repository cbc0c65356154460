package dev.croupier.engine.internal.config;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.TenantSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stored text form of function specs and tenant settings: {@code k=v;k=v}, versioned. */
final class SpecCodec {
  private SpecCodec() {}

  static String encode(FunctionSpec s) {
    StringBuilder kl = new StringBuilder();
    for (KeyedLimit k : s.keyedLimits()) {
      if (kl.length() > 0) {
        kl.append(',');
      }
      kl.append(k.key()).append(':').append(k.limit());
    }
    RetryPolicy r = s.retry();
    return "v=1;cl=" + s.concurrencyLimit() + ";ptl=" + s.perTenantLimit() + ";kl=" + kl
        + ";ma=" + r.maxAttempts() + ";rb=" + r.base().toMillis() + ";rf=" + r.factor()
        + ";rc=" + r.cap().toMillis() + ";lt=" + s.leaseTimeout().toMillis();
  }

  static FunctionSpec decodeFunction(String name, String text) {
    Map<String, String> f = fields(text);
    List<KeyedLimit> keyed = new ArrayList<>();
    String kl = f.getOrDefault("kl", "");
    if (!kl.isEmpty()) {
      for (String part : kl.split(",")) {
        int colon = part.lastIndexOf(':');
        keyed.add(new KeyedLimit(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1))));
      }
    }
    RetryPolicy retry = new RetryPolicy(
        Integer.parseInt(f.get("ma")),
        Duration.ofMillis(Long.parseLong(f.get("rb"))),
        Double.parseDouble(f.get("rf")),
        Duration.ofMillis(Long.parseLong(f.get("rc"))));
    return new FunctionSpec(name, Integer.parseInt(f.get("cl")), Integer.parseInt(f.get("ptl")),
        keyed, retry, Duration.ofMillis(Long.parseLong(f.get("lt"))));
  }

  static String encode(TenantSettings t) {
    return "v=1;w=" + t.weight() + ";cl=" + t.concurrencyLimit() + ";p=" + (t.paused() ? 1 : 0);
  }

  static TenantSettings decodeTenant(String text) {
    Map<String, String> f = fields(text);
    return new TenantSettings(Double.parseDouble(f.get("w")), Integer.parseInt(f.get("cl")),
        "1".equals(f.get("p")));
  }

  private static Map<String, String> fields(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    if (!"1".equals(out.get("v"))) {
      throw new IllegalStateException("stored config has an unknown version: " + text);
    }
    return out;
  }
}
