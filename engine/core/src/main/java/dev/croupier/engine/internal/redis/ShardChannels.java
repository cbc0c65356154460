package dev.croupier.engine.internal.redis;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * The engine's one subscription to what its shards announce (watched jobs that ended, new work):
 * every channel on one connection and one thread, subscribed again a second after a loss. Each
 * channel's messages go to its handler. A handler also hears when its channel is subscribed, the
 * first time and after every loss, since what was published meanwhile did not reach it.
 */
public final class ShardChannels implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ShardChannels.class);

  /** What listens on one channel. Runs on the subscriber thread: it must not block. */
  public interface Handler {
    /** A message published on the channel. */
    void message(String message);

    /** The channel is subscribed (again): messages published before now may have been missed. */
    void subscribed();
  }

  /** {@code handler} on the channel {@code channelOf(shard)} of each of {@code shards} shards. */
  public static Map<String, Handler> onEveryShard(int shards, IntFunction<String> channelOf,
      Handler handler) {
    Map<String, Handler> out = new HashMap<>();
    for (int shard = 0; shard < shards; shard++) {
      out.put(channelOf.apply(shard), handler);
    }
    return out;
  }

  private final UnifiedJedis redis;
  private final Map<String, Handler> handlers;
  private final Listener listener = new Listener();
  private final Thread thread;
  private volatile boolean closed;

  /** Subscribes to every channel of {@code handlers} (channel name to handler) on a thread of its own. */
  public ShardChannels(UnifiedJedis redis, Map<String, Handler> handlers) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.handlers = Map.copyOf(handlers);
    this.thread = Thread.ofPlatform().daemon().name("croupier-subscriber").start(this::subscribeLoop);
  }

  private void subscribeLoop() {
    String[] channels = handlers.keySet().toArray(new String[0]);
    while (!closed) {
      try {
        redis.subscribe(listener, channels);
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("subscription to the shards' channels lost; subscribing again in 1 s: {}", e.toString());
          sleep(1000);
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (listener.isSubscribed()) {
        listener.unsubscribe();
      }
    } catch (RuntimeException e) {
      log.debug("unsubscribe at close failed", e);
    }
    thread.interrupt();
  }

  private final class Listener extends JedisPubSub {
    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      Handler h = handlers.get(channel);
      if (h != null) {
        h.subscribed();
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      Handler h = handlers.get(channel);
      if (h == null) {
        return;
      }
      try {
        h.message(message);
      } catch (RuntimeException e) {
        log.error("handling a message on {} failed", channel, e); // the subscription stays
      }
    }
  }
}
