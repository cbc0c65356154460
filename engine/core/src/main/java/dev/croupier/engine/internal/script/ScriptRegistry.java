package dev.croupier.engine.internal.script;

import dev.croupier.api.CroupierException;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.resps.LibraryInfo;

/**
 * Loads every {@link Script} once (inlining {@code -- @include name} lines from
 * {@code lua/includes/}) and runs them in one of two ways, chosen on first use:
 *
 * <ul>
 *   <li><b>As one function library</b> (Redis 7 and newer, when allowed): every include defined
 *       once at the top of the library, every script a function registered in it, loaded with
 *       {@code FUNCTION LOAD} and run with {@code FCALL}. A script run with EVAL defines its
 *       helpers (dozens of local functions) again on every call and collects them afterwards: on
 *       an empty claim that is most of the call. The library is named by a hash of its code, so
 *       engines of different versions on one Redis each run their own; each deletes the others'
 *       when it loads its own, and one that finds its library gone (an upgraded engine deleted
 *       it, a restart without persistence, {@code FUNCTION FLUSH}) loads it again on the next
 *       call.</li>
 *   <li><b>As scripts</b>, with EVALSHA, falling back to EVAL once when Redis answers NOSCRIPT
 *       (after a restart or SCRIPT FLUSH; EVAL caches the script again): on Redis 6.2, when the
 *       user may not load functions, or when the engine is told not to.</li>
 * </ul>
 *
 * <p>An include may include others. Each is inlined once per script (once per library), where it
 * is first named, so an include names what it uses and a script names what it uses without
 * defining anything twice. An include whose state must not outlive a call names a function to
 * reset it with a {@code -- @on-call name} line: a library's functions call it first (a script's
 * state is new on every call anyway).
 */
public final class ScriptRegistry {

  private static final Logger log = LoggerFactory.getLogger(ScriptRegistry.class);
  private static final Pattern INCLUDE = Pattern.compile("(?m)^-- @include (\\w+)\\s*$");
  private static final Pattern ON_CALL = Pattern.compile("(?m)^-- @on-call (\\w+)\\s*$");

  private final UnifiedJedis redis;
  private final Map<Script, Loaded> scripts = new EnumMap<>(Script.class);
  private final Library library;
  /** FUNCTIONS or EVAL once decided (preload, or the first call); null until then. */
  private volatile Mode mode;

  private enum Mode { FUNCTIONS, EVAL }

  /** Loads every script's text from the classpath; fails fast if one is missing. */
  public ScriptRegistry(UnifiedJedis redis) {
    this(redis, true);
  }

  /**
   * As {@link #ScriptRegistry(UnifiedJedis)}; with {@code functions} false, scripts always run
   * with EVALSHA, even where Redis has functions.
   */
  public ScriptRegistry(UnifiedJedis redis, boolean functions) {
    this.redis = java.util.Objects.requireNonNull(redis, "redis");
    for (Script s : Script.values()) {
      byte[] body = withIncludes(read(s.resource())).getBytes(StandardCharsets.UTF_8);
      scripts.put(s, new Loaded(body, sha1(body)));
    }
    this.library = Library.build();
    if (!functions) {
      mode = Mode.EVAL;
    }
  }

  /**
   * Loads the scripts into Redis (routed by {@code sampleKey} on a cluster), so the first calls do
   * not pay for a round trip more: the function library where the server takes it, otherwise
   * each script with SCRIPT LOAD.
   */
  public void preload(String sampleKey) {
    byte[] key = sampleKey.getBytes(StandardCharsets.UTF_8);
    if (decide(key) == Mode.FUNCTIONS) {
      return;
    }
    for (Loaded l : scripts.values()) {
      try {
        redis.scriptLoad(l.body, key);
      } catch (RuntimeException e) {
        throw RedisErrors.translate("loading the Lua scripts", e);
      }
    }
  }

  /** Whether scripts run as a function library (decided by {@link #preload} or the first call). */
  public boolean usesFunctions() {
    return mode == Mode.FUNCTIONS;
  }

  /** The full text of a script after includes are inlined (for tests and diagnostics). */
  public String source(Script s) {
    return new String(scripts.get(s).body, StandardCharsets.UTF_8);
  }

  /** The function library's text (for tests and diagnostics). */
  public String librarySource() {
    return new String(library.code, StandardCharsets.UTF_8);
  }

  /** A call's reply, or the exception Redis's error reply to it was translated to. */
  private Object settled(Call c) {
    try {
      return run(c.script, c.keys, c.args);
    } catch (CroupierException e) {
      if (e.getCause() instanceof JedisDataException) {
        return e; // an error reply: an answer to this call, not a lost round trip
      }
      throw e;
    }
  }

  /** Runs a script and returns Redis's raw reply. */
  public Object run(Script s, List<byte[]> keys, List<byte[]> args) {
    checkKeys(s, keys);
    byte[] key = keys.isEmpty() ? null : keys.get(0);
    // At most twice: a first FCALL that found no function loads the library again (or turns to
    // scripts), and the call is made once more the way the registry then runs.
    for (boolean again = false; decide(key) == Mode.FUNCTIONS; again = true) {
      try {
        return redis.fcall(library.functions.get(s), keys, args);
      } catch (JedisDataException e) {
        if (again || !lost(e)) {
          throw RedisErrors.translate("running script " + s, e);
        }
        recover(e, key);
      } catch (RuntimeException e) {
        throw RedisErrors.translate("running script " + s, e);
      }
    }
    Loaded l = scripts.get(s);
    try {
      try {
        return redis.evalsha(l.sha, keys, args);
      } catch (JedisNoScriptException e) {
        return redis.eval(l.body, keys, args);
      }
    } catch (RuntimeException e) {
      throw RedisErrors.translate("running script " + s, e);
    }
  }

  /**
   * Runs several scripts in one round trip, in order; each is still atomic on its own. A call
   * that found its script or function missing is run again on its own, in order, after the batch.
   * A single call goes out on its own, without a pipeline's overhead.
   */
  public List<Object> runPipelined(List<Call> calls) {
    return orThrow(runPipelinedSettled(calls));
  }

  /** Replies of {@link #runPipelinedSettled} as {@link #runPipelined} answers them: the first error thrown. */
  public static List<Object> orThrow(List<Object> settled) {
    for (Object o : settled) {
      if (o instanceof RuntimeException e) {
        throw e;
      }
    }
    return settled;
  }

  /**
   * As {@link #runPipelined}, but a call that failed in Redis answers the exception it failed with
   * (as {@link #runPipelined} would throw it) in its place, and the others still answer theirs:
   * for a caller whose later calls must be seen through whatever happened to earlier ones. A
   * round trip that failed as a whole is still thrown.
   */
  public List<Object> runPipelinedSettled(List<Call> calls) {
    if (calls.isEmpty()) {
      return List.of();
    }
    if (calls.size() == 1) {
      Call c = calls.get(0);
      return Collections.singletonList(settled(c));
    }
    Call first = calls.get(0);
    boolean functions = decide(first.keys.isEmpty() ? null : first.keys.get(0)) == Mode.FUNCTIONS;
    List<Response<Object>> responses = new ArrayList<>(calls.size());
    try (AbstractPipeline p = redis.pipelined()) {
      for (Call c : calls) {
        checkKeys(c.script, c.keys);
        responses.add(functions
            ? p.fcall(library.functions.get(c.script), c.keys, c.args)
            : p.evalsha(scripts.get(c.script).sha, c.keys, c.args));
      }
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("running a script pipeline", e);
    }
    List<Object> out = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      try {
        out.add(responses.get(i).get());
      } catch (JedisDataException e) {
        boolean missing = functions ? lost(e) : e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
        if (!missing) {
          out.add(RedisErrors.translate("running script " + calls.get(i).script, e));
          continue;
        }
        out.add(settled(calls.get(i))); // loads what was missing, then runs
      }
    }
    return out;
  }

  /** The mode, deciding it on first use by trying to load the library (routed by {@code key}). */
  private Mode decide(byte[] key) {
    Mode m = mode;
    if (m != null) {
      return m;
    }
    synchronized (this) {
      if (mode == null) {
        mode = loadLibrary(key) ? Mode.FUNCTIONS : Mode.EVAL;
        if (mode == Mode.FUNCTIONS) {
          deleteOtherVersions();
        }
      }
      return mode;
    }
  }

  /**
   * Loads the library; false when this server cannot take it (no functions before Redis 7, an
   * ACL without FUNCTION LOAD, a proxy that does not pass it on): then scripts run with EVAL.
   * A library already there (another engine of this version loaded it) is fine as it is.
   */
  private boolean loadLibrary(byte[] key) {
    try {
      if (key != null) {
        redis.sendCommand(key, Protocol.Command.FUNCTION, LOAD, library.code);
      } else {
        redis.functionLoad(library.code);
      }
      log.debug("Lua loaded as Redis function library {}", library.name);
      return true;
    } catch (JedisDataException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("already exists")) {
        return true;
      }
      if (message.startsWith("ERR unknown command") || message.startsWith("NOPERM")
          || message.startsWith("ERR unknown subcommand")) {
        log.debug("no Redis functions here ({}): the Lua runs as scripts (EVALSHA)", message);
      } else {
        log.warn("Redis refused the function library {} ({}): the Lua runs as scripts (EVALSHA)",
            library.name, message);
      }
      return false;
    } catch (RuntimeException e) {
      throw RedisErrors.translate("loading the Lua function library", e);
    }
  }

  /** The names of the engine's libraries, whatever its version: {@code croupier_} and 16 hex digits (see {@link Library}). */
  private static final Pattern LIBRARY_NAME = Pattern.compile("croupier_[0-9a-f]{16}");

  /**
   * Deletes the libraries that engines of other versions loaded (one per version, a few hundred
   * KB each), so upgrades leave none behind. An engine of another version that still runs finds
   * its library gone on its next call and loads it again, as after a {@code FUNCTION FLUSH}: one
   * FCALL answered "Function not found", which ran nothing, and one {@code FUNCTION LOAD}. Best
   * effort: a user who may not list or delete functions leaves them.
   */
  private void deleteOtherVersions() {
    List<String> deleted = new ArrayList<>();
    try {
      for (LibraryInfo other : redis.functionList("croupier_*")) {
        String name = other.getLibraryName();
        if (name.equals(library.name) || !LIBRARY_NAME.matcher(name).matches()) {
          continue;
        }
        try {
          redis.functionDelete(name);
          deleted.add(name);
        } catch (JedisDataException e) {
          log.debug("not deleting function library {}: {}", name, e.getMessage()); // another engine did
        }
      }
    } catch (JedisDataException e) {
      log.debug("not looking for other versions' function libraries: {}", e.getMessage());
    } catch (RuntimeException e) {
      throw RedisErrors.translate("listing the Lua function libraries", e);
    }
    if (!deleted.isEmpty()) {
      log.info("deleted the Redis function libraries of other Croupier versions {} (an engine of"
          + " such a version that still runs loads its own again on its next call)", deleted);
    }
  }

  /**
   * Whether an FCALL failed before it ran because the function is not there (flushed, or a server
   * without functions). Only these are repeated: an error from inside a function may follow its
   * writes, and running it again would write twice.
   */
  private static boolean lost(JedisDataException e) {
    String message = e.getMessage();
    if (message == null) {
      return false;
    }
    return message.startsWith("ERR Function not found")
        || (message.startsWith("ERR unknown command") && message.toUpperCase(java.util.Locale.ROOT).contains("FCALL"));
  }

  /**
   * After an FCALL found no function: loads the library again (Redis lost it: a restart without
   * persistence, a FUNCTION FLUSH, a failover to a server that never had it), or, when the server
   * no longer has functions at all, runs scripts from now on.
   */
  private synchronized void recover(JedisDataException e, byte[] key) {
    if (mode == Mode.FUNCTIONS && !loadLibrary(key)) {
      log.warn("Redis no longer takes the function library ({}): the Lua runs as scripts from now on",
          e.getMessage());
      mode = Mode.EVAL;
    }
  }

  private static void checkKeys(Script s, List<byte[]> keys) {
    if (keys.size() != s.keyCount()) {
      throw new IllegalArgumentException(s + " takes " + s.keyCount() + " keys: " + keys.size());
    }
  }

  /** {@code source} with its includes (and theirs) inlined, each once. */
  static String withIncludes(String source) {
    return resolve(source, new HashSet<>());
  }

  private static String resolve(String source, Set<String> included) {
    Matcher m = INCLUDE.matcher(source);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      // Lua local functions must be defined before the code that calls them, so an include's own
      // includes go in front of it; one already inlined leaves an empty line.
      String text = included.add(name) ? resolve(read("lua/includes/" + name + ".lua"), included) : "";
      m.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String read(String resource) {
    try (InputStream in = ScriptRegistry.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Lua script missing from the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  private static byte[] sha1(byte[] body) {
    try {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
      return hex.getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  private static final byte[] LOAD = "LOAD".getBytes(StandardCharsets.US_ASCII);

  private record Loaded(byte[] body, byte[] sha) {}

  /**
   * Every script as one Redis function library: {@code #!lua name=croupier_<hash>}, each include
   * once (in the order the scripts first name them), then per script
   * {@code redis.register_function('croupier_<hash>_<script>', function(KEYS, ARGV) ... end)}
   * around its own code. Includes call Redis through a local {@code rcall}; redis.call exists
   * only during a call (not while a library loads), so each function binds it first.
   */
  private record Library(String name, byte[] code, Map<Script, byte[]> functions) {

    static Library build() {
      Set<String> included = new HashSet<>();
      StringBuilder shared = new StringBuilder();
      Map<Script, String> bodies = new EnumMap<>(Script.class);
      for (Script s : Script.values()) {
        bodies.put(s, flatten(read(s.resource()), included, shared));
      }
      StringBuilder prologue = new StringBuilder("rcall = redis.call\n");
      Matcher hooks = ON_CALL.matcher(shared);
      while (hooks.find()) {
        prologue.append(hooks.group(1)).append("()\n");
      }
      StringBuilder all = new StringBuilder(shared);
      bodies.values().forEach(all::append);
      String name = "croupier_" + new String(sha1(all.toString().getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.US_ASCII).substring(0, 16);
      StringBuilder code = new StringBuilder("#!lua name=").append(name).append("\nlocal rcall\n")
          .append(shared);
      Map<Script, byte[]> functions = new EnumMap<>(Script.class);
      for (Map.Entry<Script, String> e : bodies.entrySet()) {
        String function = name + "_" + e.getKey().function();
        functions.put(e.getKey(), function.getBytes(StandardCharsets.US_ASCII));
        code.append("\nredis.register_function('").append(function).append("', function(KEYS, ARGV)\n")
            .append(prologue).append(e.getValue()).append("\nend)\n");
      }
      return new Library(name, code.toString().getBytes(StandardCharsets.UTF_8), functions);
    }

    /**
     * {@code source} without its include lines; each include not yet in {@code shared} goes there
     * (its own includes first), so the library defines everything before any function uses it.
     */
    private static String flatten(String source, Set<String> included, StringBuilder shared) {
      Matcher m = INCLUDE.matcher(source);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1);
        if (included.add(name)) {
          shared.append(flatten(read("lua/includes/" + name + ".lua"), included, shared)).append('\n');
        }
        m.appendReplacement(out, "");
      }
      m.appendTail(out);
      return out.toString();
    }
  }

  /** One script invocation in a pipeline. */
  public record Call(Script script, List<byte[]> keys, List<byte[]> args) {}
}
