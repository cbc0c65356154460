package dev.croupier.node.internal.server;

import dev.croupier.node.config.Principal;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How many distinct functions each token serves on this node, across its connections, against
 * a maximum: a worker token cannot make the node (and Redis) hold an unbounded number of function
 * configs and pools. A function counts once however many of the token's connections serve it.
 * Adding and removing a (connection, function) pair is idempotent, so a register racing an
 * unregister or a close never miscounts. Thread-safe.
 */
final class FunctionQuota {

  private final int max;
  /** Per token: function to the connections serving it. */
  private final Map<Principal, Map<String, Set<Peer>>> held = new HashMap<>();

  FunctionQuota(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    this.max = max;
  }

  /**
   * Counts {@code functions} as served by {@code peer}, all or none. Returns the ones it did not
   * serve before (to {@link #release} if the registration fails after all), or throws
   * {@link OverQuota} when the token would serve more than the maximum.
   */
  synchronized Set<String> acquire(Peer peer, Collection<String> functions) {
    Principal who = peer.principal();
    Map<String, Set<Peer>> mine = held.getOrDefault(who, Map.of());
    Set<String> distinctNew = new LinkedHashSet<>(functions);
    distinctNew.removeAll(mine.keySet());
    if (mine.size() + distinctNew.size() > max) {
      throw new OverQuota("token " + who.name() + " serves " + mine.size() + " function(s) on"
          + " this node and may serve at most " + max + " (maxFunctionsPerToken); registering "
          + distinctNew.size() + " more would exceed it: unregister functions it no longer serves");
    }
    Map<String, Set<Peer>> counts = held.computeIfAbsent(who, k -> new HashMap<>());
    Set<String> added = new LinkedHashSet<>();
    for (String f : functions) {
      if (counts.computeIfAbsent(f, k -> new HashSet<>()).add(peer)) {
        added.add(f);
      }
    }
    return added;
  }

  /** {@code peer} no longer serves {@code function}; nothing happens if it did not. */
  synchronized void release(Peer peer, String function) {
    Map<String, Set<Peer>> mine = held.get(peer.principal());
    if (mine == null) {
      return;
    }
    Set<Peer> serving = mine.get(function);
    if (serving != null && serving.remove(peer) && serving.isEmpty()) {
      mine.remove(function);
    }
    if (mine.isEmpty()) {
      held.remove(peer.principal());
    }
  }

  /** Distinct functions {@code who} serves now. */
  synchronized int held(Principal who) {
    return held.getOrDefault(who, Map.of()).size();
  }

  /** A registration would take a token over its quota; the message says so. */
  static final class OverQuota extends RuntimeException {
    OverQuota(String message) {
      super(message, null, false, false);
    }
  }
}
