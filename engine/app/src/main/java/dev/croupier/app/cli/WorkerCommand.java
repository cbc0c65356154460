package dev.croupier.app.cli;

import dev.croupier.api.FunctionSpec;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code croupier worker}: a ready-made worker whose handler sleeps, for smoke tests and demos. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Runs a ready-made worker whose handler sleeps (simulated I/O) and prints progress.")
public final class WorkerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ConnectOptions connect;
  @Mixin LogFormatOption logFormat;

  @Option(names = "--function", paramLabel = "F", required = true, split = ",",
      description = "function(s) to serve")
  List<String> functions;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
      description = "jobs run at once per function (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--sleep-ms", paramLabel = "N", defaultValue = "10",
      description = "how long each job sleeps (default: ${DEFAULT-VALUE})")
  long sleepMs;

  @Option(names = "--lease-timeout-ms", paramLabel = "N", defaultValue = "30000",
      description = "lease timeout registered for the function(s) (default: ${DEFAULT-VALUE})")
  long leaseTimeoutMs;

  @Override
  public Integer call() throws Exception {
    logFormat.apply();
    PrintWriter out = spec.commandLine().getOut();
    WorkerOptions.Builder options = WorkerOptions.newBuilder()
        .addresses(connect.addresses)
        .token(connect.token)
        .clientName("croupier-worker-cli");
    if (connect.tls || connect.tlsTrust != null) {
      options.tls(connect.tlsTrust);
    }
    AtomicLong done = new AtomicLong();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(40, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "croupier-shutdown"));
    try (Worker worker = Worker.create(options.build())) {
      // Connect first, then register: once connected, register() waits for the node's answer
      // and throws when it refuses (CONFLICT, PERMISSION_DENIED), so a worker that would serve
      // nothing exits with the error instead of running on. Registrations made before the
      // connection came up are only logged when refused.
      worker.start();
      boolean connected = worker.awaitReady(Duration.ofSeconds(10));
      for (String f : functions) {
        worker.register(FunctionSpec.newBuilder(f)
                .leaseTimeout(Duration.ofMillis(leaseTimeoutMs)).build(), concurrency, job -> {
          if (sleepMs > 0) {
            Thread.sleep(sleepMs);
          }
          done.incrementAndGet();
        });
      }
      if (connected) {
        out.printf("worker serving %s (concurrency %d, sleep %d ms) via %s%n", functions,
            concurrency, sleepMs, String.join(",", connect.addresses));
      } else {
        out.printf("worker not connected yet to %s; retrying in the background%n",
            String.join(",", connect.addresses));
      }
      out.flush();
      long last = 0;
      long lastAt = System.nanoTime();
      while (!stop.await(1, TimeUnit.SECONDS)) {
        long now = done.get();
        long at = System.nanoTime();
        if (now != last) {
          out.printf("done=%d running=%d rate=%.0f/s%n", now, worker.running(),
              (now - last) * 1e9 / (at - lastAt));
          out.flush();
        }
        last = now;
        lastAt = at;
      }
      out.printf("stopping: finishing %d running job(s); done=%d%n", worker.running(), done.get());
      out.flush();
    } finally {
      stopped.countDown();
    }
    return 0;
  }
}
