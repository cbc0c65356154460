package dev.croupier.bench.contender;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One baseline Lua script from this package's resources: runs by EVALSHA and falls back to EVAL
 * once when the server forgot it (NOSCRIPT). Thread-safe.
 */
final class LuaScript {

  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source, String sha) {
    this.name = name;
    this.source = source;
    this.sha = sha;
  }

  /** Loads {@code name}.lua and registers it with the server. */
  static LuaScript load(UnifiedJedis redis, String name) {
    String file = name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + file);
      }
      String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new LuaScript(name, source, redis.scriptLoad(source));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read script " + file, e);
    }
  }

  /** Runs the script. */
  Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(source, keys, args);
    }
  }

  /** The script's SHA1, for pipelines (which the caller fills after {@link #load}). */
  String sha() {
    return sha;
  }

  @Override
  public String toString() {
    return name;
  }
}
