package dev.croupier.bench.contender;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.FairnessMode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The contenders by name, and how to make each one on a Redis under a key prefix. */
public final class Contenders {

  /** Croupier with a uniform shuffle (no weights, no usage). */
  public static final String CROUPIER_UNIFORM = "croupier-uniform";
  /** Croupier with its full weighting. */
  public static final String CROUPIER_WEIGHTED = "croupier-weighted";

  /** Croupier (weighted) over the wire protocol: client, node server and worker SDK over TCP. */
  public static final String CROUPIER_PROTOCOL = "croupier-protocol";
  /** The same, with the producer awaiting every job it enqueued (like {@code enqueue --wait}). */
  public static final String CROUPIER_PROTOCOL_AWAIT = "croupier-protocol-await";
  /**
   * Croupier (weighted) embedded, with jobs enqueued through one engine and run by another on the
   * same namespace: the path of a producer and its workers on different nodes.
   */
  public static final String CROUPIER_PEERS = "croupier-peers";

  /**
   * Appended to a Croupier contender's name ({@code croupier-weighted-lean}, ...): the same
   * contender on an engine that keeps no status records of succeeded jobs (statusRetention zero),
   * so the cost of those records shows side by side in one run.
   */
  public static final String LEAN_SUFFIX = "-lean";

  /**
   * Appended last to a Croupier contender's name ({@code croupier-protocol-lean-eval}, ...): the
   * same contender running its Lua as scripts (EVALSHA) even where Redis has functions, so a run on
   * a Redis 7 (--redis) shows the function library's gain side by side. On the bundled Redis 6.2
   * both run scripts.
   */
  public static final String EVAL_SUFFIX = "-eval";

  /** Every contender of the fairness scenarios, baselines first (the protocol one is opt-in there). */
  public static final List<String> ALL = List.of(FifoListContender.NAME, BatchMoverContender.NAME,
      TenantRingContender.NAME, DecayedActivityContender.NAME, CROUPIER_UNIFORM, CROUPIER_WEIGHTED);

  private Contenders() {}

  /**
   * What a scenario asks of a contender.
   *
   * @param redisUrl the Redis every contender shares
   * @param prefix this contender's key prefix (Croupier: its namespace), unique in the Redis
   * @param maxSlots most worker slots it will start
   * @param keyedQueues whether jobs' queue names must become separate virtual queues in Croupier
   * @param claimThreads Croupier's claim loops (0 = its default)
   */
  public record Spec(String redisUrl, String prefix, int maxSlots, boolean keyedQueues, int claimThreads) {
    /** Checks the fields. */
    public Spec {
      Objects.requireNonNull(redisUrl, "redisUrl");
      Objects.requireNonNull(prefix, "prefix");
      if (maxSlots <= 0) {
        throw new IllegalArgumentException("maxSlots must be positive: " + maxSlots);
      }
    }
  }

  /** Makes the contender called {@code name}; throws for an unknown name, listing the known ones. */
  public static Contender create(String name, Spec spec) {
    boolean eval = name.startsWith("croupier-") && name.endsWith(EVAL_SUFFIX);
    String variant = eval ? name.substring(0, name.length() - EVAL_SUFFIX.length()) : name;
    boolean lean = variant.startsWith("croupier-") && variant.endsWith(LEAN_SUFFIX);
    String base = lean ? variant.substring(0, variant.length() - LEAN_SUFFIX.length()) : variant;
    return switch (base) {
      case FifoListContender.NAME -> new FifoListContender(spec.redisUrl(), spec.prefix(), spec.maxSlots());
      case BatchMoverContender.NAME -> new BatchMoverContender(spec.redisUrl(), spec.prefix(), spec.maxSlots());
      case TenantRingContender.NAME -> new TenantRingContender(spec.redisUrl(), spec.prefix(), spec.maxSlots());
      case DecayedActivityContender.NAME ->
          new DecayedActivityContender(spec.redisUrl(), spec.prefix(), spec.maxSlots());
      case CROUPIER_UNIFORM, CROUPIER_WEIGHTED ->
          new CroupierContender(name, options(base, spec, lean, eval), spec.keyedQueues(), false);
      case CROUPIER_PEERS -> new CroupierContender(name, options(base, spec, lean, eval), spec.keyedQueues(), true);
      case CROUPIER_PROTOCOL, CROUPIER_PROTOCOL_AWAIT -> new CroupierProtocolContender(name,
          options(base, spec, lean, eval), spec.keyedQueues(), base.equals(CROUPIER_PROTOCOL_AWAIT));
      default -> throw new IllegalArgumentException("unknown contender '" + name + "'; known: " + ALL
          + ", " + CROUPIER_PROTOCOL + ", " + CROUPIER_PROTOCOL_AWAIT + " and " + CROUPIER_PEERS
          + " (a Croupier name + '" + LEAN_SUFFIX + "': keeping no status records; + '" + EVAL_SUFFIX
          + "' last: scripts, not Redis functions)");
    };
  }

  /**
   * The engine options of Croupier contender {@code name}; {@code lean}: keeping no status records;
   * {@code eval}: scripts, not Redis functions.
   */
  private static EngineOptions options(String name, Spec spec, boolean lean, boolean eval) {
    var options = CroupierContender.options(spec.redisUrl(), spec.prefix());
    fairness(name, options);
    if (spec.claimThreads() > 0) {
      options.claimThreads(spec.claimThreads());
    }
    if (lean) {
      options.statusRetention(Duration.ZERO);
    }
    options.redisFunctions(!eval);
    return options.build();
  }

  /**
   * The one place the bench touches the engine's fairness knobs: {@link #CROUPIER_UNIFORM} runs the
   * uniform shuffle (every due tenant equally likely), every other Croupier contender the weighted
   * one. A scheduler without modes drops this method (and, if it has no uniform variant,
   * {@link #CROUPIER_UNIFORM}); the other contenders keep their names.
   */
  private static void fairness(String name, EngineOptions.Builder options) {
    options.fairness(name.equals(CROUPIER_UNIFORM) ? FairnessMode.UNIFORM : FairnessMode.WEIGHTED);
  }
}
