package dev.croupier.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python client ({@code clients/python}) with Debian's Python, which is where Debian's
 * {@code python3-protobuf} installs. A machine without it fails the tests (never skips them): CI
 * installs the packages from {@code .ci/packages}.
 */
final class Python {

  /** The interpreter: Debian's, unless CROUPIER_PYTHON names another with protobuf installed. */
  static final String EXECUTABLE = System.getenv().getOrDefault("CROUPIER_PYTHON", "/usr/bin/python3");
  private static final String INSTALL = "install them with 'apt-get install python3-protobuf "
      + "protobuf-compiler' (they are listed in .ci/packages, which .ci/run installs), or set "
      + "CROUPIER_PYTHON to a Python 3 that has the protobuf package";

  private Python() {}

  /** What a finished process printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  static Path clientDir() {
    return Suite.repoRoot().resolve("clients/python");
  }

  /** Fails, saying how to install them, when Python, its protobuf runtime or protoc is missing. */
  static void requireRuntime() throws Exception {
    if (!Files.isExecutable(Path.of(EXECUTABLE))) {
      fail("the Python client tests need " + EXECUTABLE + " with the protobuf runtime and protoc; " + INSTALL);
    }
    Result r = run(Duration.ofSeconds(60), "-c", "import croupier; print('croupier client loads')");
    if (r.exitCode() != 0) {
      fail("the Python client does not load with " + EXECUTABLE + " (it needs the protobuf runtime "
          + "and protoc to generate its messages); " + INSTALL + "\n" + r.output());
    }
  }

  /** A process in {@code clients/python} running {@code python3 args...}. */
  static ProcessBuilder process(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(EXECUTABLE);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(clientDir().toFile());
    pb.environment().put("PYTHONPATH", clientDir().toString());
    // Generated code and bytecode go to the build directory, not the source tree.
    pb.environment().put("CROUPIER_GEN_DIR", Path.of("target/python-generated").toAbsolutePath().toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().put("PYTHONUNBUFFERED", "1");
    pb.environment().putAll(env);
    return pb;
  }

  static Result run(Duration timeout, String... args) throws Exception {
    return run(Map.of(), timeout, args);
  }

  /** Runs to the end (killed after {@code timeout}, which fails the test). */
  static Result run(Map<String, String> env, Duration timeout, String... args) throws Exception {
    File out = Files.createTempFile("python-", ".out").toFile();
    try {
      Process p = process(env, args).redirectErrorStream(true).redirectOutput(out).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        fail("python3 " + String.join(" ", args) + " did not finish within " + timeout + ":\n"
            + Files.readString(out.toPath()));
      }
      return new Result(p.exitValue(), Files.readString(out.toPath()));
    } finally {
      out.delete();
    }
  }

  /** Reads a process's lines on a thread of its own into {@code sink}; the thread ends with them. */
  static Thread pump(Process p, List<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (sink) {
            sink.add(line);
            sink.notifyAll();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "python-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
