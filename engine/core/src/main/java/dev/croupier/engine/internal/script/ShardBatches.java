package dev.croupier.engine.internal.script;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Runs a batch of per-job entries as one script call per shard (and per chunk of a shard's
 * entries), all in one pipeline, and hands back each entry's item of its call's reply in the
 * entries' order: the shape every batched write of jobs spread over shards takes (completions,
 * heartbeats, watches). A call may answer only the first part of its chunk (a script that stops
 * on its time budget, includes/budget.lua): the rest go again, in a further pipeline.
 */
public final class ShardBatches {

  private ShardBatches() {}

  /**
   * @param entries what to send, in the order the results come back
   * @param shardOf each entry's shard
   * @param chunk most entries in one call
   * @param call the call for one shard's chunk of entries (in their order)
   * @param items the reply of one call, one item per entry of its chunk, in order; fewer (but at
   *     least one) when the call did only the first of them
   */
  public static <E, R> List<R> run(ScriptRegistry scripts, List<E> entries, ToIntFunction<E> shardOf, int chunk,
      BiFunction<Integer, List<E>, ScriptRegistry.Call> call, Function<Object, List<R>> items) {
    Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      byShard.computeIfAbsent(shardOf.applyAsInt(entries.get(i)), s -> new ArrayList<>()).add(i);
    }
    List<R> out = new ArrayList<>(Collections.<R>nCopies(entries.size(), null));
    while (!byShard.isEmpty()) {
      List<ScriptRegistry.Call> calls = new ArrayList<>();
      List<Integer> shards = new ArrayList<>();
      List<List<Integer>> positions = new ArrayList<>();
      byShard.forEach((shard, at) -> {
        for (int from = 0; from < at.size(); from += chunk) {
          List<Integer> part = at.subList(from, Math.min(at.size(), from + chunk));
          calls.add(call.apply(shard, part.stream().map(entries::get).toList()));
          shards.add(shard);
          positions.add(part);
        }
      });
      List<Object> replies = scripts.runPipelined(calls);
      Map<Integer, List<Integer>> left = new LinkedHashMap<>();
      for (int c = 0; c < calls.size(); c++) {
        List<R> got = items.apply(replies.get(c));
        List<Integer> at = positions.get(c);
        if (got.isEmpty() || got.size() > at.size()) {
          throw new IllegalStateException("a batched script answered " + got.size() + " of " + at.size() + " entries");
        }
        for (int k = 0; k < got.size(); k++) {
          out.set(at.get(k), got.get(k));
        }
        if (got.size() < at.size()) {
          left.computeIfAbsent(shards.get(c), s -> new ArrayList<>()).addAll(at.subList(got.size(), at.size()));
        }
      }
      byShard = left;
    }
    return out;
  }
}
