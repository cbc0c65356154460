package dev.croupier.engine.internal.script;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** House rules for the Lua sources, checked on the files themselves (no Redis needed). */
class LuaSourcesTest {

  /** The scripts and includes, relative to the module (surefire runs in the module directory). */
  static final Path LUA = Path.of("src/main/resources/lua");

  /** The design doc, whose Lua section lists every script and include. */
  static final Path DESIGN = Path.of("../../docs/design.md");

  private static final Pattern HEADER = Pattern.compile("(?s)\\A--\\[\\[.*?]]");
  private static final Pattern KEYS_BINDING = Pattern.compile("local [\\w, ]+ = (KEYS\\[\\d+](, )?)+");
  private static final Pattern KEYS_INDEX = Pattern.compile("KEYS\\[(\\d+)]");

  @Test
  void scripts_buildNoKeyName_outsideKeysLua() throws IOException {
    // A key built by concatenating onto the shard prefix belongs in keys.lua, where KeySchema is mirrored.
    Pattern concat = Pattern.compile("\\bP \\.\\.");
    List<String> offenders = new ArrayList<>();
    for (Map.Entry<String, String> f : luaFiles().entrySet()) {
      if (!f.getKey().equals("includes/keys.lua") && concat.matcher(f.getValue()).find()) {
        offenders.add(f.getKey());
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void scripts_bindEachOfTheirKeys_toALocalName_andReadNoKeysElsewhere() throws IOException {
    for (Map.Entry<String, String> f : luaFiles().entrySet()) {
      if (f.getKey().startsWith("includes/")) {
        assertThat(f.getValue()).as("%s: includes take keys as arguments", f.getKey())
            .doesNotContain("KEYS[");
        continue;
      }
      int numKeys = Integer.parseInt(f.getKey().replaceAll(".*-(\\d+)\\.lua$", "$1"));
      TreeSet<Integer> bound = new TreeSet<>();
      String body = HEADER.matcher(f.getValue()).replaceFirst("");
      for (String line : body.split("\n")) {
        if (!line.contains("KEYS[")) {
          continue;
        }
        assertThat(line).as("%s: KEYS are read once, into local names", f.getKey()).matches(KEYS_BINDING);
        Matcher m = KEYS_INDEX.matcher(line);
        while (m.find()) {
          bound.add(Integer.parseInt(m.group(1)));
        }
      }
      assertThat(bound).as("%s: KEYS bound to local names", f.getKey()).hasSize(numKeys)
          .allMatch(i -> i >= 1 && i <= numKeys);
    }
  }

  @Test
  void scriptsAndIncludes_nameTheKeysAndCodesIncludes_whenTheyUseThem() throws IOException {
    // Inlining puts each include once where it is first named, so a file that leans on another
    // file's include line breaks when that one stops naming it.
    Map<String, String> tables = Map.of("Key.", "keys", "Code.", "codes");
    for (Map.Entry<String, String> f : luaFiles().entrySet()) {
      tables.forEach((use, include) -> {
        boolean uses = HEADER.matcher(f.getValue()).replaceFirst("").contains(use);
        if (uses && !f.getKey().equals("includes/" + include + ".lua")) {
          assertThat(f.getValue()).as("%s uses %s*", f.getKey(), use).contains("-- @include " + include + "\n");
        }
      });
    }
  }

  @Test
  void everyScriptFile_isAScript_andEveryScriptHasItsFile() throws IOException {
    TreeSet<String> scripts = new TreeSet<>();
    for (Script s : Script.values()) {
      scripts.add(s.resource().substring("lua/".length()));
    }
    TreeSet<String> files = new TreeSet<>(luaFiles().keySet());
    files.removeIf(f -> f.startsWith("includes/"));
    assertThat(files).isEqualTo(scripts);
  }

  @Test
  void designDoc_listsExactlyTheScriptsAndIncludes() throws IOException {
    String doc = Files.readString(DESIGN);
    int start = doc.indexOf("\n## Lua scripts\n");
    assertThat(start).as("a '## Lua scripts' section in %s", DESIGN).isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    Matcher m = Pattern.compile("`([\\w/-]+\\.lua)`").matcher(section);
    TreeSet<String> listed = new TreeSet<>();
    while (m.find()) {
      listed.add(m.group(1));
    }
    assertThat(listed).as("files named in the Lua scripts section of %s", DESIGN).isEqualTo(luaFiles().keySet());
  }

  /** Every {@code .lua} file under {@link #LUA}, by path relative to it ({@code includes/keys.lua}). */
  static Map<String, String> luaFiles() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(LUA)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".lua")).toList()) {
        out.put(LUA.relativize(f).toString().replace('\\', '/'), Files.readString(f));
      }
    }
    return out;
  }
}
