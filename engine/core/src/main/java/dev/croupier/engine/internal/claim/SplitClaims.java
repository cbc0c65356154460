package dev.croupier.engine.internal.claim;

import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Claims that their time budget cut short go again as two calls in one pipeline. A claim stops
 * starting picks past {@code EngineOptions.scriptBudget} (includes/budget.lua), so that no call
 * holds Redis much over a millisecond. Where every pick is slow (a million one-job tenants, their
 * keys cold) that cuts a claim to a dozen jobs, and one claim loop, waiting for each reply before
 * it sends the next call, leaves Redis idle for a round trip per dozen jobs. Two calls of half
 * the credits each keep the same bound per call (Redis serves other clients between them) while
 * Redis runs the second as the first's reply travels. Scripts run one at a time, so two calls in
 * a row lease exactly what one call as long would, in the same order.
 *
 * <p>A claim counts as cut short when it leased fewer jobs than it asked and says more is ready.
 * The split lasts while the claims stay cut short: once they get what they ask or empty the
 * ready set, the next claim is one call again, so light load costs no extra calls. One per
 * engine, in its {@link ShardTurns}: the loops take turns on a shard, and whichever claims next
 * splits what the last one found cut short. A loop reads and writes a shard's entries only while
 * it holds that shard's turn.
 */
final class SplitClaims {

  /** A function's ready set on one shard. */
  private record Target(int shard, String function) {}

  private final Set<Target> cutShort = ConcurrentHashMap.newKeySet();

  /** The requests to send: each for a target whose last claim was cut short, as two halves. */
  List<Claimer.Request> split(List<Claimer.Request> requests) {
    if (cutShort.isEmpty()) {
      return requests;
    }
    List<Claimer.Request> out = new ArrayList<>(requests.size() + 1);
    for (Claimer.Request r : requests) {
      if (r.want() >= 2 && cutShort.contains(target(r))) {
        int first = (r.want() + 1) / 2;
        out.add(new Claimer.Request(r.shard(), r.spec(), first));
        out.add(new Claimer.Request(r.shard(), r.spec(), r.want() - first));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** Notes which targets the claims just made were cut short on ({@code results} in request order). */
  void remember(List<Claimer.Request> requests, List<Replies.Claimed> results) {
    for (Claimer.Request r : requests) {
      cutShort.remove(target(r));
    }
    for (int i = 0; i < requests.size(); i++) {
      Claimer.Request r = requests.get(i);
      Replies.Claimed c = results.get(i);
      if (c.code() == ReplyCode.OK && c.more() && c.jobs().size() < r.want()) {
        cutShort.add(target(r));
      }
    }
  }

  private static Target target(Claimer.Request r) {
    return new Target(r.shard(), r.spec().name());
  }
}
