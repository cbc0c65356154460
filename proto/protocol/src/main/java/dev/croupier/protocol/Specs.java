package dev.croupier.protocol;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Maps function specs between the API's records and their protobuf form. */
public final class Specs {

  private Specs() {}

  /** The wire form of {@code spec}. */
  public static dev.croupier.proto.v1.FunctionSpec toProto(FunctionSpec spec) {
    var b = dev.croupier.proto.v1.FunctionSpec.newBuilder()
        .setName(spec.name())
        .setConcurrencyLimit(spec.concurrencyLimit())
        .setPerTenantLimit(spec.perTenantLimit())
        .setLeaseTimeoutMs(spec.leaseTimeout().toMillis())
        .setRetry(dev.croupier.proto.v1.RetryPolicy.newBuilder()
            .setMaxAttempts(spec.retry().maxAttempts())
            .setBaseMs(spec.retry().base().toMillis())
            .setFactor(spec.retry().factor())
            .setCapMs(spec.retry().cap().toMillis()));
    for (KeyedLimit k : spec.keyedLimits()) {
      b.addKeyedLimits(dev.croupier.proto.v1.KeyedLimit.newBuilder()
          .setKey(k.key()).setLimit(k.limit()));
    }
    return b.build();
  }

  /**
   * The API form of a wire spec, applying defaults for unset fields; throws
   * {@link IllegalArgumentException} or {@link dev.croupier.api.InvalidRequestException} with a
   * message naming the bad value.
   */
  public static FunctionSpec fromProto(dev.croupier.proto.v1.FunctionSpec p) {
    List<KeyedLimit> keyed = new ArrayList<>();
    for (var k : p.getKeyedLimitsList()) {
      keyed.add(new KeyedLimit(k.getKey(), clampToInt(k.getLimit())));
    }
    RetryPolicy retry = RetryPolicy.DEFAULT;
    if (p.hasRetry()) {
      var r = p.getRetry();
      retry = new RetryPolicy(clampToInt(r.getMaxAttempts()), Duration.ofMillis(r.getBaseMs()),
          r.getFactor(), Duration.ofMillis(r.getCapMs()));
    }
    Duration lease = p.getLeaseTimeoutMs() == 0
        ? FunctionSpec.DEFAULT_LEASE_TIMEOUT
        : Duration.ofMillis(p.getLeaseTimeoutMs());
    return new FunctionSpec(p.getName(), clampToInt(p.getConcurrencyLimit()),
        clampToInt(p.getPerTenantLimit()), keyed, retry, lease);
  }

  /** Unsigned wire ints above Integer.MAX_VALUE arrive negative; pin them so validation names them. */
  private static int clampToInt(int unsigned) {
    return unsigned < 0 ? Integer.MAX_VALUE : unsigned;
  }
}
