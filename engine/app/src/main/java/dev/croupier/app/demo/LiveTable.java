package dev.croupier.app.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The per-tenant table that follows a run while it goes: queued, running, done and the wait for
 * the first job. On a terminal it redraws in place twice a second; otherwise (a log, a pipe) it
 * prints a fresh table every few seconds so the output stays readable.
 */
final class LiveTable {

  private static final long REDRAW_MILLIS = 500;
  private static final long PLAIN_MILLIS = 2_000;
  private static final String CLEAR_LINE = "\033[2K";

  private final PrintStream out;
  private final boolean redraw;
  private final DemoOptions options;
  private Thread painter;
  private String lastTitle;
  private RunTally lastTally;
  private volatile boolean following;
  private int linesOnScreen;

  /** A table on {@code out}; {@code redraw} when {@code out} is a terminal that takes ANSI codes. */
  LiveTable(PrintStream out, boolean redraw, DemoOptions options) {
    this.out = Objects.requireNonNull(out, "out");
    this.redraw = redraw;
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Starts following {@code tally} under {@code title} until {@link #stop()}. */
  synchronized void follow(String title, RunTally tally) {
    stop();
    following = true;
    linesOnScreen = 0;
    lastTitle = title;
    lastTally = tally;
    long every = redraw ? REDRAW_MILLIS : PLAIN_MILLIS;
    painter = Thread.ofPlatform().daemon().name("demo-live-table").start(() -> {
      while (following) {
        paint(title, tally);
        try {
          Thread.sleep(every);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** Stops following and paints the last frame. */
  synchronized void stop() {
    if (painter == null) {
      return;
    }
    following = false;
    painter.interrupt();
    try {
      painter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    painter = null;
    paint(lastTitle, lastTally);
    out.println();
    out.flush();
  }

  private void paint(String title, RunTally tally) {
    List<String> lines = render(title, tally);
    StringBuilder frame = new StringBuilder();
    if (redraw && linesOnScreen > 0) {
      frame.append("\033[").append(linesOnScreen).append('A');
    }
    for (String line : lines) {
      if (redraw) {
        frame.append(CLEAR_LINE);
      }
      frame.append(line).append('\n');
    }
    if (!redraw) {
      frame.append('\n');
    }
    out.print(frame);
    out.flush();
    linesOnScreen = lines.size();
  }

  /** The table's lines for the tally's current counters. */
  List<String> render(String title, RunTally tally) {
    List<String> lines = new ArrayList<>();
    Double enqueueMs = tally.bigEnqueueMillis();
    lines.add(String.format(Locale.ROOT, "%s   %.1f s of %d s   %d slots x %d ms   %s",
        title, tally.elapsedMillis() / 1000, options.budget().toSeconds(), options.slots(),
        options.jobTime().toMillis(), enqueueMs == null
            ? DemoOptions.BIG_TENANT + " is enqueueing"
            : String.format(Locale.ROOT, "%s's %,d jobs enqueued in %,.0f ms",
                DemoOptions.BIG_TENANT, tally.big().enqueued(), enqueueMs)));
    lines.add(String.format(Locale.ROOT, "  %-7s %10s %10s %8s %10s  %s",
        "tenant", "enqueued", "queued", "running", "done", "first job started after"));
    long now = tally.now();
    for (TenantTally t : tally.tenants()) {
      lines.add(String.format(Locale.ROOT, "  %-7s %,10d %,10d %,8d %,10d  %s",
          t.name(), t.enqueued(), t.queued(), t.running(), t.done(), firstStart(t, now)));
    }
    return lines;
  }

  private static String firstStart(TenantTally t, long now) {
    Double first = t.firstStartMillis();
    if (first != null) {
      return Format.millis(first);
    }
    double waiting = t.millisSinceFirstSubmit(now);
    return waiting < 0 ? "-" : "still waiting, " + Format.millis(waiting);
  }
}
