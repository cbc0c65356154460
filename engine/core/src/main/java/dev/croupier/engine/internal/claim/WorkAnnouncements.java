package dev.croupier.engine.internal.claim;

import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.ShardChannels;
import java.util.Map;
import java.util.Objects;

/**
 * Wakes this engine's claim loops when a shard announces work on its work channel (see
 * {@code lua/includes/fair.lua}): a function's ready set gaining its first tenant, or the timer an
 * earlier head. So work written through another engine starts here at once, and an idle loop
 * needs only a slow poll as a safety net. Skipped: what this engine announced itself (it wakes its
 * loops directly) and new work of a function none of its sinks serves.
 */
public final class WorkAnnouncements implements ShardChannels.Handler {

  private final String engineId;
  private final Demand demand;
  private final Signal signal;

  /** Wakes {@code signal}'s loops for work that engine {@code engineId}'s {@code demand} could take. */
  public WorkAnnouncements(String engineId, Demand demand, Signal signal) {
    this.engineId = Objects.requireNonNull(engineId, "engineId");
    this.demand = Objects.requireNonNull(demand, "demand");
    this.signal = Objects.requireNonNull(signal, "signal");
  }

  /** This handler on every shard's work channel. */
  public Map<String, ShardChannels.Handler> channels(KeySchema keys) {
    return ShardChannels.onEveryShard(keys.shards(), keys::workChannel, this);
  }

  /** A message is "origin function": the announcing engine's id ("" if unknown), "" for the timer. */
  @Override
  public void message(String message) {
    int space = message.indexOf(' ');
    String origin = space < 0 ? "" : message.substring(0, space);
    String function = space < 0 ? message : message.substring(space + 1);
    if (origin.equals(engineId)) {
      return;
    }
    if (!function.isEmpty() && !demand.serves(function)) {
      return;
    }
    signal.signal();
  }

  /** Work announced while the subscription was down was missed: look once. */
  @Override
  public void subscribed() {
    signal.signal();
  }
}
