package dev.croupier.app.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image Jib wrote (a {@code docker save} tarball): its config says how it runs
 * (entrypoint, ports, an unprivileged user), its layers hold the JRE, the C library and the
 * application, nothing more; and, where user namespaces allow, its file system runs the command
 * line. Run by failsafe after {@code jib:buildTar}; prints the tarball's size.
 */
class ImageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path tarball;
  private static Path unpacked;
  private static JsonNode config;
  /** Every layer's entries, in layer order. */
  private static final Map<String, List<String>> layers = new TreeMap<>();

  @BeforeAll
  static void open(@TempDir Path dir) throws Exception {
    tarball = Path.of(System.getProperty("croupier.image.tar", "target/croupier-image.tar"));
    assertThat(tarball).as("the image tarball jib:buildTar writes").isRegularFile();
    unpacked = dir.resolve("tar");
    Files.createDirectories(unpacked);
    run(List.of("tar", "-xf", tarball.toString(), "-C", unpacked.toString()));
    JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile());
    for (JsonNode layer : manifest.get("Layers")) {
      layers.put(layer.asText(), run(List.of("tar", "-tzf", unpacked.resolve(layer.asText()).toString()))
          .lines().map(ImageIT::normalize).toList());
    }
    System.out.printf("image tarball %s: %.1f MB (%d bytes), %d layers%n", tarball,
        Files.size(tarball) / 1e6, Files.size(tarball), layers.size());
    Files.writeString(tarball.resolveSibling("croupier-image.size"), Files.size(tarball) + "\n");
  }

  @Test
  void manifest_tagsTheImage_withTheVersionAndLocal() throws IOException {
    JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
    assertThat(texts(manifest.get("RepoTags"))).contains("croupier:local")
        .anyMatch(t -> t.matches("croupier:\\d+\\.\\d+\\.\\d+.*"));
  }

  @Test
  void config_runsTheCommandLine_onTheJre_asAnUnprivilegedUser_withThePortsExposed() {
    JsonNode c = config.get("config");
    assertThat(texts(c.get("Entrypoint"))).startsWith("/opt/java/bin/java")
        .contains("-cp", "@/app/jib-classpath-file").endsWith("dev.croupier.app.Main");
    assertThat(texts(c.get("Cmd"))).containsExactly("--help");
    assertThat(c.get("User").asText()).isEqualTo("10001:10001");
    List<String> ports = new ArrayList<>();
    c.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertThat(ports).containsExactlyInAnyOrder("7077/tcp", "9090/tcp");
    assertThat(config.get("architecture").asText()).isEqualTo("amd64");
    assertThat(config.get("os").asText()).isEqualTo("linux");
  }

  @Test
  void layers_holdTheJreTheCLibraryAndTheApplication_andNoShell() {
    List<String> all = layers.values().stream().flatMap(List::stream).toList();
    assertThat(all).contains("opt/java/bin/java", "opt/java/lib/server/libjvm.so",
        "lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6", "etc/passwd",
        "app/jib-classpath-file");
    assertThat(all).anyMatch(e -> e.matches("app/classpath/croupier-app-[^/]+\\.jar"));
    assertThat(all).anyMatch(e -> e.matches("app/libs/croupier-engine-[^/]+\\.jar"));
    assertThat(all).anyMatch(e -> e.matches("app/libs/croupier-node-[^/]+\\.jar"));
    assertThat(all).as("no shell, no package manager, no test jars")
        .noneMatch(e -> e.equals("bin/sh") || e.startsWith("usr/bin/") || e.contains("junit"));
  }

  @Test
  void fileSystem_runsTheCommandLine() throws Exception {
    Path root = unpacked.resolve("root");
    Files.createDirectories(root.resolve("proc"));
    for (String layer : layers.keySet()) {
      run(List.of("tar", "-xzf", unpacked.resolve(layer).toString(), "-C", root.toString()));
    }
    // Entering the image's file system needs user namespaces (a container runtime is not here).
    assumeTrue(works(List.of("unshare", "-r", "true")), "user namespaces are not available");
    List<String> entrypoint = texts(config.get("config").get("Entrypoint"));
    String out = run(command(root, entrypoint));
    assertThat(out).contains("serve", "worker", "enqueue");
  }

  private static List<String> command(Path root, List<String> entrypoint) {
    List<String> cmd = new ArrayList<>(List.of("unshare", "-rmpf", "sh", "-c",
        "mount -t proc proc \"$0/proc\" && exec chroot \"$0\" \"$@\"", root.toString()));
    cmd.addAll(entrypoint);
    cmd.add("--help");
    return cmd;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String normalize(String entry) {
    String e = entry.startsWith("./") ? entry.substring(2) : entry.startsWith("/") ? entry.substring(1) : entry;
    return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
  }

  private static boolean works(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    assertThat(p.exitValue()).as("%s exit status; output:%n%s", cmd, out).isZero();
    return out;
  }
}
