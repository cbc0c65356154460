package dev.croupier.engine.internal.script;

import dev.croupier.api.CroupierException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Coalesces script calls made by many threads (job completions) into pipelines. One flusher
 * sends whatever has queued up while the previous pipeline was in flight, so under load many calls
 * share a round trip and when idle a call goes out at once. Each call stays atomic on its own.
 */
public final class ScriptBatcher implements AutoCloseable {

  /** Most calls in one pipeline. */
  static final int MAX_BATCH = 256;

  private final ScriptRegistry scripts;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread flusher;
  private volatile boolean closed;

  /** Starts the flusher thread named {@code name}. */
  public ScriptBatcher(ScriptRegistry scripts, String name) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.flusher = Thread.ofPlatform().daemon().name(name).start(this::flushLoop);
  }

  /** Runs {@code call} in the next pipeline and returns its reply. */
  public Object run(ScriptRegistry.Call call) {
    if (closed) {
      return scripts.run(call.script(), call.keys(), call.args());
    }
    Pending p = new Pending(call, new CompletableFuture<>());
    queue.add(p);
    try {
      return p.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CroupierException("interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new CroupierException("script call failed", e.getCause());
    }
  }

  private void flushLoop() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        flush(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
    // Anything left after close runs directly on its caller's behalf.
    Pending p;
    while ((p = queue.poll()) != null) {
      p.result.completeExceptionally(new CroupierException("the engine is closing"));
    }
  }

  private void flush(List<Pending> batch) {
    List<ScriptRegistry.Call> calls = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      calls.add(p.call);
    }
    try {
      List<Object> replies = scripts.runPipelined(calls);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result.complete(replies.get(i));
      }
    } catch (RuntimeException e) {
      for (Pending p : batch) {
        p.result.completeExceptionally(e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    flusher.interrupt();
    try {
      flusher.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Pending(ScriptRegistry.Call call, CompletableFuture<Object> result) {}
}
