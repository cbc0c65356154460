package dev.croupier.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the language-neutral suite lives (the repository's {@code conformance/}) and its files. */
final class Suite {

  static final ObjectMapper JSON = new ObjectMapper();

  private Suite() {}

  /** The repository root: tests run in {@code conformance/java}. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("conformance/golden")) && Files.isDirectory(p.resolve("clients/python"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (with conformance/golden) above " + dir);
  }

  static Path dir() {
    return repoRoot().resolve("conformance");
  }

  /** The JSON files of one part of the suite ("golden" or "sessions"), sorted by name. */
  static List<Path> files(String part) {
    try (Stream<Path> s = Files.list(dir().resolve(part))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalStateException("no " + part + " files in " + dir());
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String stem(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - ".json".length());
  }
}
