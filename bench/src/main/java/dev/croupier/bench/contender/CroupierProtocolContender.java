package dev.croupier.bench.contender;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.EngineOptions;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.api.JobRequest;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Objects;

/**
 * Croupier over its wire protocol: an engine node (engine + TCP server on a free loopback port)
 * in this JVM, producers enqueueing through a {@link CroupierClient} connection and the scenario's
 * runner registered in a {@link Worker} that connects like a remote one. Every job crosses the
 * protocol twice (enqueue, dispatch) and its completion once more. Awaiting, a producer also
 * watches every job of its batch and returns only when all have finished (as {@code croupier
 * enqueue --wait} does): the path a caller waiting for results takes.
 */
public final class CroupierProtocolContender implements Contender {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final EngineRuntime runtime;
  private final Engine engine;
  private final NodeServer server;
  private final CroupierClient client;
  private final boolean keyed;
  private final FunctionSpec spec;
  private final boolean await;
  private Worker worker;

  /** Longest a producer waits for its batch to finish. */
  private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(60);

  /** A node with {@code options}, a producer client and (on start) a worker, all over TCP. */
  public CroupierProtocolContender(String name, EngineOptions options, boolean keyed, boolean await) {
    this.name = Objects.requireNonNull(name, "name");
    this.keyed = keyed;
    this.await = await;
    this.runtime = EngineRuntime.host(options);
    this.engine = runtime.engine();
    this.server = NodeServer.start(runtime, ServerOptions.newBuilder().host("127.0.0.1").port(0).build());
    this.client = CroupierClient.connect(ClientOptions.newBuilder().address(address()).build());
    FunctionSpec.Builder b = FunctionSpec.newBuilder(CroupierContender.FUNCTION);
    if (keyed) {
      b.keyedLimit(CroupierContender.QUEUE_KEY, CroupierContender.UNBINDING_LIMIT);
    }
    this.spec = b.build();
    engine.configureFunction(spec);
  }

  private String address() {
    return "127.0.0.1:" + server.address().getPort();
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
    CroupierContender.configureWeights(engine, tenants, weights);
  }

  @Override
  public void enqueue(List<Job> jobs) {
    for (int from = 0; from < jobs.size(); from += CroupierContender.BATCH) {
      List<Job> part = jobs.subList(from, Math.min(jobs.size(), from + CroupierContender.BATCH));
      List<JobRequest> requests = new ArrayList<>(part.size());
      for (Job job : part) {
        JobRequest.Builder r = JobRequest.newBuilder(job.tenant(), CroupierContender.FUNCTION)
            .payload(job.encode().getBytes(StandardCharsets.UTF_8))
            .watched(await);
        if (keyed) {
          r.concurrencyKey(CroupierContender.QUEUE_KEY,
              job.queue().isEmpty() ? CroupierContender.DEFAULT_QUEUE : job.queue());
        }
        requests.add(r.build());
      }
      List<EnqueueResult> ids = client.enqueueBatch(requests);
      if (await) {
        List<CompletableFuture<JobInfo>> done = new ArrayList<>(ids.size());
        for (EnqueueResult r : ids) {
          done.add(client.awaitCompletion(r.jobId(), AWAIT_TIMEOUT));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
      }
    }
  }

  @Override
  public void start(int slots, JobRunner runner) {
    worker = Worker.create(WorkerOptions.newBuilder().address(address()).build())
        .register(spec, slots, ctx -> runner.run(Job.decode(new String(ctx.payload(), StandardCharsets.UTF_8))))
        .start();
    if (!worker.awaitReady(READY_TIMEOUT)) {
      throw new IllegalStateException("the worker did not connect to " + address() + " within " + READY_TIMEOUT);
    }
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    client.close();
    server.close();
    engine.close();
    new KeySweeper(engine.options().redisUrl()).deleteMatching(engine.options().namespace() + ":*");
  }
}
