package dev.croupier.engine.internal.script;

/**
 * Every Lua command, one file each under {@code lua/} named {@code <verb><Object>-<numKeys>.lua}.
 * The file header documents each script's KEYS, ARGV and replies.
 */
public enum Script {
  ENQUEUE_JOBS("enqueueJobs", 2),
  CLAIM_JOBS("claimJobs", 1),
  COMPLETE_JOBS("completeJobs", 1),
  EXTEND_LEASES("extendLeases", 1),
  CANCEL_JOB("cancelJob", 1),
  REQUEUE_EXPIRED("requeueExpired", 1),
  REPLAY_JOB("replayJob", 1),
  WATCH_JOBS("watchJobs", 1),
  ACQUIRE_ROLE("acquireRole", 1),
  // Operations (engine/internal/admin).
  PURGE_DEAD_JOB("purgeDeadJob", 1),
  // Storage layout upgrades (StorageLayout).
  COUNT_FUNCTIONS("countFunctions", 1);

  private final String name;
  private final int keys;

  Script(String name, int keys) {
    this.name = name;
    this.keys = keys;
  }

  /** The resource path of the script's file. */
  String resource() {
    return "lua/" + name + "-" + keys + ".lua";
  }

  /** Its name in the function library (a script's name, without its file's key count). */
  String function() {
    return name;
  }

  /** How many KEYS the script takes. */
  public int keyCount() {
    return keys;
  }
}
