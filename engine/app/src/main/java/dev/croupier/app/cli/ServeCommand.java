package dev.croupier.app.cli;

import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.EngineOptions;
import dev.croupier.node.AdminServer;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.node.config.Tokens;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code croupier serve}: runs an engine node that workers and producers connect to. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs an engine node: workers and producers connect to it over the wire protocol.")
public final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;
  @Mixin LogFormatOption logFormat;

  @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServerOptions.DEFAULT_PORT,
      description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--host", paramLabel = "ADDR",
      description = "address to bind (default: 127.0.0.1; 0.0.0.0 when --tokens is given)")
  String host;

  @Option(names = "--tokens", paramLabel = "FILE",
      description = "tokens file, lines of 'TOKEN ROLE SCOPE' (ROLE producer|worker|admin);"
          + " without it the node accepts any connection from loopback only")
  Path tokens;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve TLS")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key for --tls-cert")
  Path tlsKey;

  @Option(names = "--namespace", paramLabel = "NAME", defaultValue = EngineOptions.DEFAULT_NAMESPACE,
      description = "key namespace on Redis; nodes sharing work use the same (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--admin-port", paramLabel = "N", defaultValue = "-1",
      description = "serve GET /metrics (Prometheus), /health and the dashboard (/dashboard/) on"
          + " this port, 0 for any free one (default: off)")
  int adminPort;

  @Option(names = "--admin-host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "address the admin endpoint binds (default: ${DEFAULT-VALUE})")
  String adminHost;

  @Option(names = "--claim-threads", paramLabel = "N", defaultValue = "" + EngineOptions.DEFAULT_CLAIM_THREADS,
      description = "claim loops in this node (default: ${DEFAULT-VALUE})")
  int claimThreads;

  @Option(names = "--status-retention", paramLabel = "SECONDS",
      defaultValue = "" + 86_400, // EngineOptions.DEFAULT_STATUS_RETENTION
      description = "how long a succeeded or cancelled job's status record is kept; 0 keeps none"
          + " (two Redis writes fewer per job) but a watched job's, kept 5 minutes for its watcher"
          + " (default: ${DEFAULT-VALUE})")
  long statusRetentionSeconds;

  @Option(names = "--script-budget", paramLabel = "MICROSECONDS",
      defaultValue = "" + EngineOptions.DEFAULT_SCRIPT_BUDGET_MICROS,
      description = "how long one script call that loops over work (a claim, a batch of completions,"
          + " a sweep of expired leases) may hold Redis before it answers what it did and the node"
          + " sends the rest, 0 to " + EngineOptions.MAX_SCRIPT_BUDGET_MICROS + "; more trades other clients' latency for throughput with"
          + " very many tenants (default: ${DEFAULT-VALUE})")
  long scriptBudgetMicros;

  @Option(names = "--tenant-series", paramLabel = "N",
      defaultValue = "" + EngineOptions.DEFAULT_TENANT_SERIES_LIMIT,
      description = "give the first N tenants seen their own metric series (a tenant tag on the"
          + " wait, run, backlog and running meters; the rest are summed as tenant=\"_other\"),"
          + " at most " + EngineOptions.MAX_TENANT_SERIES_LIMIT + "; 0 for none (default: ${DEFAULT-VALUE})")
  int tenantSeries;

  @Option(names = "--redis-functions", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "run the engine's Lua as one Redis function library (FUNCTION LOAD, FCALL) where"
          + " the server has functions (Redis 7+); --no-redis-functions runs it as scripts"
          + " (EVALSHA) everywhere (default: ${DEFAULT-VALUE})")
  boolean redisFunctions;

  @Override
  public Integer call() throws Exception {
    logFormat.apply();
    if (statusRetentionSeconds < 0) {
      throw new ParameterException(spec.commandLine(),
          "--status-retention must be 0 (keep no status records) or a positive number of seconds: "
              + statusRetentionSeconds);
    }
    if (scriptBudgetMicros < 0 || scriptBudgetMicros > EngineOptions.MAX_SCRIPT_BUDGET_MICROS) {
      throw new ParameterException(spec.commandLine(), "--script-budget must be between 0 and "
          + EngineOptions.MAX_SCRIPT_BUDGET_MICROS + " microseconds: " + scriptBudgetMicros);
    }
    // Everything about listening is checked before Redis is connected (or an embedded one started).
    Tokens tokenSet = tokens == null ? null : Tokens.load(tokens);
    ServerOptions serverOptions = serverOptions(tokenSet);
    PrintWriter out = spec.commandLine().getOut();
    PrometheusMeterRegistry registry = NodeRegistry.create();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "croupier-shutdown"));
    try (RedisOption.Target target = redis.open();
        EngineRuntime runtime = EngineRuntime.host(EngineOptions.newBuilder()
            .redisUrl(target.url()).namespace(namespace).claimThreads(claimThreads)
            .meterRegistry(registry).tenantSeriesLimit(tenantSeries).redisFunctions(redisFunctions)
            .statusRetention(Duration.ofSeconds(statusRetentionSeconds))
            .scriptBudget(Duration.ofNanos(scriptBudgetMicros * 1000)).build());
        NodeServer server = NodeServer.start(runtime, serverOptions);
        AdminServer admin = adminPort < 0 ? null
            : new AdminServer(adminHost, adminPort, registry, runtime.leases()::redisReachable,
                runtime.engine(), tokenSet)) {
      out.printf("croupier node %s listening on %s:%d%s (redis %s%s)%n", server.nodeId(),
          server.address().getAddress().getHostAddress(), server.address().getPort(),
          tlsCert != null ? " with TLS" : "", target.url(), target.isEmbedded() ? ", embedded" : "");
      if (admin != null) {
        out.printf("admin endpoint on http://%s:%d/metrics and /health%n", adminHost, admin.port());
        out.printf("dashboard on http://%s:%d/dashboard/%s%n", adminHost, admin.port(),
            tokenSet == null ? " (loopback clients only)" : " (needs an admin token)");
      }
      if (tokenSet == null) {
        out.println("no --tokens: accepting any connection from loopback only");
      } else {
        out.printf("%d token(s) loaded from %s%n", tokenSet.size(), tokens);
      }
      out.flush();
      stop.await();
      out.println("stopping: draining connections");
      out.flush();
    } finally {
      stopped.countDown();
    }
    return 0;
  }

  /** The node's options, with the port, host, TLS files and admin endpoint checked. */
  private ServerOptions serverOptions(Tokens tokenSet) {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), "give both --tls-cert and --tls-key, or neither");
    }
    requirePort("--port", port);
    if (tenantSeries < 0 || tenantSeries > EngineOptions.MAX_TENANT_SERIES_LIMIT) {
      throw new ParameterException(spec.commandLine(), "--tenant-series must be between 0 (none)"
          + " and " + EngineOptions.MAX_TENANT_SERIES_LIMIT + ": " + tenantSeries);
    }
    if (adminPort != -1) {
      requirePort("--admin-port", adminPort);
      try {
        InetAddress.getByName(adminHost);
      } catch (UnknownHostException e) {
        throw new ParameterException(spec.commandLine(), "--admin-host: unknown host " + adminHost);
      }
    }
    String bind = host != null ? host : tokenSet == null ? ServerOptions.DEFAULT_HOST : "0.0.0.0";
    ServerOptions options = ServerOptions.newBuilder()
        .host(bind).port(port).tokens(tokenSet).tls(tlsCert, tlsKey).build();
    NodeServer.check(options);
    return options;
  }

  private void requirePort(String option, int value) {
    if (value < 0 || value > 65535) {
      throw new ParameterException(spec.commandLine(), option + " must be between 0 (any free"
          + " port) and 65535" + (option.equals("--admin-port") ? ", or -1 for off" : "") + ": " + value);
    }
  }
}
