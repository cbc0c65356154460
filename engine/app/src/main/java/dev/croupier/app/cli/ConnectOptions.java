package dev.croupier.app.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every command that connects to a node as a client. */
public final class ConnectOptions {

  @Option(names = "--connect", paramLabel = "HOST:PORT", required = true, split = ",",
      description = "engine node address(es); the next one is used when one is gone")
  List<String> addresses;

  @Option(names = "--token", paramLabel = "T", defaultValue = "",
      description = "token (may be omitted against a node started without --tokens)")
  String token;

  @Option(names = "--tls-trust", paramLabel = "FILE",
      description = "connect with TLS, trusting this PEM certificate")
  Path tlsTrust;

  @Option(names = "--tls", description = "connect with TLS, trusting the JDK's trust store")
  boolean tls;
}
