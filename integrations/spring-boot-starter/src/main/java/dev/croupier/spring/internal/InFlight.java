package dev.croupier.spring.internal;

import dev.croupier.api.JobHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts handler calls in progress, so shutdown can wait for them to end: the embedded engine has
 * no public count of its running jobs, and the starter only needs the ones it registered.
 */
final class InFlight {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int running;

  /** {@code handler}, counted while it runs. */
  JobHandler track(JobHandler handler) {
    return job -> {
      enter();
      try {
        handler.handle(job);
      } finally {
        exit();
      }
    };
  }

  /** Handler calls in progress now. */
  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no handler runs or {@code grace} passes; true when none runs. */
  boolean awaitIdle(Duration grace) throws InterruptedException {
    long left = grace.toNanos();
    lock.lock();
    try {
      while (running > 0) {
        if (left <= 0) {
          return false;
        }
        left = idle.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void enter() {
    lock.lock();
    try {
      running++;
    } finally {
      lock.unlock();
    }
  }

  private void exit() {
    lock.lock();
    try {
      if (--running == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }
}
