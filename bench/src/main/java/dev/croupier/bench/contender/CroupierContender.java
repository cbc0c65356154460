package dev.croupier.bench.contender;

import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.TenantSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Croupier in embedded mode: one engine on the shared Redis under its own namespace, the
 * scenario's runner registered as an in-process handler for one function. Jobs whose queue is set
 * go through a keyed limit, so each queue value is its own virtual queue.
 *
 * <p>This is the embedded path: jobs reach the handler without the wire protocol. The protocol
 * path (a remote worker over TCP) is another {@link Contender} with the same contract. With peers,
 * jobs are enqueued through a second engine on the same namespace that serves nothing, so each
 * reaches the handler's engine the way work written through another node does.
 */
public final class CroupierContender implements Contender {

  /** The function every benchmark job belongs to. */
  public static final String FUNCTION = "bench-job";
  /** The keyed limit that splits a tenant's jobs over many virtual queues (spread variants). */
  public static final String QUEUE_KEY = "q";
  /** The key value of jobs that name no queue, when the function is keyed. */
  static final String DEFAULT_QUEUE = "main";
  /** A keyed limit high enough never to bind: it only splits queues. */
  static final int UNBINDING_LIMIT = 1_000_000;
  /** Most jobs per enqueueBatch call. */
  static final int BATCH = 500;

  private final String name;
  private final Engine engine;
  /** The engine jobs are enqueued through: {@link #engine}, or a peer that serves nothing. */
  private final Engine producer;
  private final boolean keyed;
  private final EnqueueOptions plain;
  private final FunctionSpec spec;

  /**
   * An engine with {@code options} (namespace, fairness, claim threads already set).
   *
   * @param keyed whether jobs are split into virtual queues by {@link Job#queue()}
   * @param peers whether jobs are enqueued through a second engine (see the class comment)
   */
  public CroupierContender(String name, EngineOptions options, boolean keyed, boolean peers) {
    this.name = Objects.requireNonNull(name, "name");
    this.keyed = keyed;
    this.engine = EngineRuntime.start(options);
    this.producer = peers ? EngineRuntime.start(options) : engine;
    this.plain = EnqueueOptions.DEFAULTS;
    this.spec = spec(keyed);
    // Producers may only enqueue for known functions: store the config before the backlog loads.
    engine.configureFunction(spec);
  }

  private static FunctionSpec spec(boolean keyed) {
    FunctionSpec.Builder b = FunctionSpec.newBuilder(FUNCTION);
    if (keyed) {
      b.keyedLimit(QUEUE_KEY, UNBINDING_LIMIT);
    }
    return b.build();
  }

  /**
   * The default options for a contender on {@code redisUrl} under {@code namespace} (the engine's
   * own fairness; {@link Contenders} picks a mode for the named variants).
   */
  public static EngineOptions.Builder options(String redisUrl, String namespace) {
    return EngineOptions.newBuilder().redisUrl(redisUrl).namespace(namespace)
        .shutdownGrace(Duration.ofSeconds(2));
  }

  /** The engine under test (for scenarios that read its options). */
  public Engine engine() {
    return engine;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean takesWeights() {
    return true;
  }

  @Override
  public void configureWeights(String[] tenants, double[] weights) {
    configureWeights(engine, tenants, weights);
  }

  /** Gives each tenant its plan weight on {@code engine} (shared with the protocol contender). */
  static void configureWeights(Engine engine, String[] tenants, double[] weights) {
    for (int i = 0; i < tenants.length; i++) {
      engine.configureTenant(tenants[i], TenantSettings.DEFAULT.withWeight(weights[i]));
    }
  }

  @Override
  public void enqueue(List<Job> jobs) {
    for (int from = 0; from < jobs.size(); from += BATCH) {
      List<Job> part = jobs.subList(from, Math.min(jobs.size(), from + BATCH));
      List<JobRequest> requests = new ArrayList<>(part.size());
      for (Job job : part) {
        requests.add(new JobRequest(job.tenant(), FUNCTION,
            job.encode().getBytes(StandardCharsets.UTF_8), optionsFor(job)));
      }
      producer.enqueueBatch(requests);
    }
  }

  private EnqueueOptions optionsFor(Job job) {
    if (!keyed) {
      return plain;
    }
    String value = job.queue().isEmpty() ? DEFAULT_QUEUE : job.queue();
    return EnqueueOptions.newBuilder().concurrencyKey(QUEUE_KEY, value).build();
  }

  @Override
  public void start(int slots, JobRunner runner) {
    engine.register(spec, slots,
        ctx -> runner.run(Job.decode(new String(ctx.payload(), StandardCharsets.UTF_8))));
  }

  @Override
  public void close() {
    if (producer != engine) {
      producer.close();
    }
    engine.close();
    new KeySweeper(engine.options().redisUrl()).deleteMatching(engine.options().namespace() + ":*");
  }
}
