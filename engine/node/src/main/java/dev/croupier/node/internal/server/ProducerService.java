package dev.croupier.node.internal.server;

import dev.croupier.node.config.Principal;
import dev.croupier.protocol.JobMessages;
import dev.croupier.engine.Engine;
import dev.croupier.api.JobRequest;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.proto.v1.Cancel;
import dev.croupier.proto.v1.Cancelled;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.EnqueueBatch;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Enqueued;
import dev.croupier.proto.v1.EnqueuedJob;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Watch;
import dev.croupier.protocol.Limits;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What producers ask of a node. Every request is checked against the token's tenants; a job of
 * another tenant is answered NOT_FOUND, exactly like a job that does not exist, so a producer
 * learns nothing about other tenants' jobs.
 */
final class ProducerService {

  /** Longest job id accepted on the wire. */
  static final int MAX_JOB_ID_LENGTH = Limits.MAX_JOB_ID_LENGTH;

  private final Engine engine;
  private final Duration maxWatchTimeout;
  private final int maxWatches;
  private final Failures failures;
  /**
   * Jobs enqueued watched through this node, with the token's principal that enqueued them: a
   * Watch of one by the same principal needs no lookup to check its tenant (the enqueue was
   * checked against the same permissions), which saves a round trip and a read per job for a
   * producer awaiting what it enqueues. A cache: a miss is checked with a lookup as before.
   */
  private final Cache<String, Principal> enqueuedWatched = Caffeine.newBuilder()
      .maximumSize(MAX_ENQUEUED_WATCHED).expireAfterWrite(Duration.ofMinutes(10))
      .executor(Runnable::run) // written twice per watched job: upkeep inline, no common-pool task
      .build();
  /** Most jobs {@link #enqueuedWatched} remembers across the node's connections. */
  static final int MAX_ENQUEUED_WATCHED = 200_000;

  ProducerService(Engine engine, Duration maxWatchTimeout, int maxWatches, Failures failures) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.maxWatchTimeout = Objects.requireNonNull(maxWatchTimeout, "maxWatchTimeout");
    this.maxWatches = maxWatches;
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  CompletionStage<?> enqueue(Peer peer, long cid, Enqueue req) {
    return enqueueAll(peer, cid, List.of(req.getItem()));
  }

  /** Enqueues a batch; its size was checked against the protocol's limits on arrival. */
  CompletionStage<?> enqueueBatch(Peer peer, long cid, EnqueueBatch req) {
    return enqueueAll(peer, cid, req.getItemsList());
  }

  /**
   * Hands the jobs to the engine without blocking (it reads Redis for a config it has not cached
   * on a thread of its own) and answers from wherever the engine completes them: no thread per
   * request. The stage completes once answered; an invalid request fails it (answered by the
   * caller), and nothing of the batch is stored.
   */
  private CompletionStage<?> enqueueAll(Peer peer, long cid, List<EnqueueItem> items) {
    List<JobRequest> requests = new ArrayList<>(items.size());
    for (EnqueueItem item : items) {
      if (!peer.principal().mayProduceFor(item.getTenant())) {
        peer.sendError(cid, ErrorCode.PERMISSION_DENIED,
            "this token may not enqueue for tenant '" + item.getTenant() + "'");
        return DONE;
      }
      requests.add(JobMessages.request(item));
    }
    return engine.enqueueBatchAsync(requests).thenAccept(results -> answer(peer, cid, requests, results));
  }

  private void answer(Peer peer, long cid, List<JobRequest> requests, List<EnqueueResult> results) {
    Enqueued.Builder out = Enqueued.newBuilder();
    boolean remember = peer.principal().role() != Principal.Role.ADMIN; // an admin's watches need no check
    for (int i = 0; i < results.size(); i++) {
      EnqueueResult r = results.get(i);
      out.addJobs(EnqueuedJob.newBuilder().setJobId(r.jobId()).setDuplicate(r.duplicate()));
      if (remember && requests.get(i).options().watched()) {
        // A duplicate names a job of the same tenant: idempotency keys are per tenant.
        enqueuedWatched.put(r.jobId(), peer.principal());
      }
    }
    peer.send(Envelope.newBuilder().setCorrelationId(cid).setEnqueued(out).build());
  }

  void cancel(Peer peer, long cid, Cancel req) {
    if (visible(peer, cid, req.getJobId()).isEmpty()) {
      return;
    }
    boolean cancelled = engine.cancel(req.getJobId());
    peer.send(Envelope.newBuilder().setCorrelationId(cid)
        .setCancelled(Cancelled.newBuilder().setCancelled(cancelled)).build());
  }

  void lookup(Peer peer, long cid, Lookup req) {
    visible(peer, cid, req.getJobId()).ifPresent(info -> peer.send(Envelope.newBuilder()
        .setCorrelationId(cid).setJobStatus(JobMessages.status(info)).build()));
  }

  /**
   * Answers when the job is final. Does not block when no lookup is needed (an admin's watch, or
   * a job this principal enqueued watched through this node): then it runs where it is called,
   * and the engine completes a future. A watch that must first check the job's tenant runs that
   * lookup on {@code blocking}. The returned stage completes once the watch is set up (or refused,
   * answered).
   */
  CompletionStage<?> watch(Peer peer, long cid, Watch req, Executor blocking) {
    // An admin may see every job: the engine's own "unknown job" answer is enough, and saves
    // a round trip per watch.
    boolean admin = peer.principal().role() == Principal.Role.ADMIN;
    if (admin && !isPlausibleId(req.getJobId())) {
      peer.sendError(cid, ErrorCode.INVALID_REQUEST, "job id must have 1-" + MAX_JOB_ID_LENGTH
          + " characters: length " + req.getJobId().length());
      return DONE;
    }
    if (!peer.reserveWatch(maxWatches)) {
      peer.sendError(cid, ErrorCode.RESOURCE_EXHAUSTED, peer.watching() + " watches of this"
          + " connection are waiting, the most a node keeps for one connection"
          + " (maxWatchesPerConnection); watch more once some have been answered");
      return DONE;
    }
    if (admin || enqueuedWatchedBy(peer, req.getJobId())) {
      startWatch(peer, cid, req);
      return DONE;
    }
    try {
      return CompletableFuture.runAsync(() -> {
        boolean seen;
        try {
          seen = visible(peer, cid, req.getJobId()).isPresent();
        } catch (RuntimeException e) {
          peer.releaseWatch(); // the lookup failed: the caller answers it
          throw e;
        }
        if (!seen) {
          peer.releaseWatch(); // answered NOT_FOUND
          return;
        }
        startWatch(peer, cid, req);
      }, blocking);
    } catch (RejectedExecutionException e) {
      peer.releaseWatch();
      throw e;
    }
  }

  /** Awaits a job the peer may see, in one of its reserved watch slots; answers when it ends. */
  private void startWatch(Peer peer, long cid, Watch req) {
    boolean started = false;
    try {
      Duration timeout = req.getTimeoutMs() == 0 || req.getTimeoutMs() > maxWatchTimeout.toMillis()
          ? maxWatchTimeout
          : Duration.ofMillis(req.getTimeoutMs());
      CompletableFuture<JobInfo> f = engine.awaitCompletion(req.getJobId(), timeout);
      started = true;
      peer.watches().add(f);
      f.whenComplete((info, err) -> {
        peer.watches().remove(f);
        peer.releaseWatch();
        answer(peer, cid, req.getJobId(), timeout, f, info, err);
      });
    } finally {
      if (!started) {
        peer.releaseWatch();
      }
    }
  }

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  private void answer(Peer peer, long cid, String jobId, Duration timeout,
      CompletableFuture<JobInfo> f, JobInfo info, Throwable err) {
    if (err == null) {
      peer.send(Envelope.newBuilder().setCorrelationId(cid)
          .setJobStatus(JobMessages.status(info)).build());
    } else if (!f.isCancelled()) {
      Throwable cause = Failures.unwrap(err);
      if (cause instanceof java.util.concurrent.TimeoutException) {
        peer.sendError(cid, ErrorCode.TIMEOUT, "job " + jobId + " did not finish within "
            + timeout.toMillis() + " ms");
      } else if (cause instanceof dev.croupier.api.InvalidRequestException) {
        peer.sendError(cid, ErrorCode.NOT_FOUND, "no job " + jobId);
      } else {
        failures.reply(peer, cid, cause);
      }
    }
  }

  /** The job if this peer may see it; otherwise answers NOT_FOUND (or INVALID_REQUEST). */
  /** Whether {@code peer}'s principal enqueued job {@code jobId} watched (asked once). */
  private boolean enqueuedWatchedBy(Peer peer, String jobId) {
    Principal by = enqueuedWatched.asMap().remove(jobId);
    return by != null && by.equals(peer.principal());
  }

  private Optional<JobInfo> visible(Peer peer, long cid, String jobId) {
    if (!peer.principal().isProducer()) {
      peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "this token may not query jobs");
      return Optional.empty();
    }
    if (!isPlausibleId(jobId)) {
      peer.sendError(cid, ErrorCode.INVALID_REQUEST, "job id must have 1-" + MAX_JOB_ID_LENGTH
          + " characters: length " + jobId.length());
      return Optional.empty();
    }
    Optional<JobInfo> info = engine.lookup(jobId)
        .filter(i -> i.tenant() != null && peer.principal().mayProduceFor(i.tenant()));
    if (info.isEmpty()) {
      peer.sendError(cid, ErrorCode.NOT_FOUND, "no job " + jobId);
    }
    return info;
  }

  static boolean isPlausibleId(String jobId) {
    return !jobId.isEmpty() && jobId.length() <= MAX_JOB_ID_LENGTH;
  }
}
