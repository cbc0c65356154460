package dev.croupier.engine.internal.script;

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
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Loads every {@link Script} once (inlining {@code -- @include name} lines from
 * {@code lua/includes/}), runs them with EVALSHA, and falls back to EVAL once when Redis answers
 * NOSCRIPT (after a restart or SCRIPT FLUSH; EVAL caches the script again). One instance per engine.
 *
 * <p>An include may include others. Each is inlined once per script, where it is first named, so
 * an include names what it uses and a script names what it uses without defining anything twice.
 */
public final class ScriptRegistry {

  private static final Pattern INCLUDE = Pattern.compile("(?m)^-- @include (\\w+)\\s*$");

  private final UnifiedJedis redis;
  private final Map<Script, Loaded> scripts = new EnumMap<>(Script.class);

  /** Loads every script's text from the classpath; fails fast if one is missing. */
  public ScriptRegistry(UnifiedJedis redis) {
    this.redis = java.util.Objects.requireNonNull(redis, "redis");
    for (Script s : Script.values()) {
      byte[] body = withIncludes(read(s.resource())).getBytes(StandardCharsets.UTF_8);
      scripts.put(s, new Loaded(body, sha1(body)));
    }
  }

  /**
   * Loads every script into Redis (SCRIPT LOAD, routed by {@code sampleKey} on a cluster), so the
   * first calls do not pay for NOSCRIPT round trips.
   */
  public void preload(String sampleKey) {
    for (Loaded l : scripts.values()) {
      try {
        redis.scriptLoad(l.body, sampleKey.getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        throw RedisErrors.translate("loading the Lua scripts", e);
      }
    }
  }

  /** The full text of a script after includes are inlined (for tests and diagnostics). */
  public String source(Script s) {
    return new String(scripts.get(s).body, StandardCharsets.UTF_8);
  }

  /** Runs a script and returns Redis's raw reply. */
  public Object run(Script s, List<byte[]> keys, List<byte[]> args) {
    checkKeys(s, keys);
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
   * that found NOSCRIPT is run again with EVAL, in order, after the batch. A single call goes out
   * on its own, without a pipeline's overhead.
   */
  public List<Object> runPipelined(List<Call> calls) {
    if (calls.size() == 1) {
      Call c = calls.get(0);
      return Collections.singletonList(run(c.script, c.keys, c.args));
    }
    List<Response<Object>> responses = new ArrayList<>(calls.size());
    try (AbstractPipeline p = redis.pipelined()) {
      for (Call c : calls) {
        checkKeys(c.script, c.keys);
        responses.add(p.evalsha(scripts.get(c.script).sha, c.keys, c.args));
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
        if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
          throw RedisErrors.translate("running script " + calls.get(i).script, e);
        }
        Call c = calls.get(i);
        out.add(run(c.script, c.keys, c.args));
      }
    }
    return out;
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

  private record Loaded(byte[] body, byte[] sha) {}

  /** One script invocation in a pipeline. */
  public record Call(Script script, List<byte[]> keys, List<byte[]> args) {}
}
