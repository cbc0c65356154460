package dev.croupier.bench.report;

import dev.croupier.bench.metrics.RunTally;
import dev.croupier.bench.metrics.TenantTally;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The per-tenant table that follows a run while it goes: enqueued, queued, running, done and the
 * wait for the first job. On a terminal it redraws in place twice a second; otherwise (a log, a
 * pipe) it prints a fresh table every few seconds so the output stays readable.
 */
public final class LiveTable {

  private static final long REDRAW_MILLIS = 500;
  private static final long PLAIN_MILLIS = 2_000;
  private static final String CLEAR_LINE = "\033[2K";

  private final PrintStream out;
  private final boolean redraw;
  private Thread painter;
  private Frame frame;
  private volatile boolean following;
  private int linesOnScreen;

  /** A table on {@code out}; {@code redraw} when {@code out} is a terminal that takes ANSI codes. */
  public LiveTable(PrintStream out, boolean redraw) {
    this.out = Objects.requireNonNull(out, "out");
    this.redraw = redraw;
  }

  /** A table on stderr, redrawn in place when the console is an interactive terminal. */
  public static LiveTable onStderr() {
    return new LiveTable(System.err, consoleIsTerminal());
  }

  /** Starts following {@code tally} under {@code title}, against {@code budget}, until {@link #stop()}. */
  public synchronized void follow(String title, Duration budget, RunTally tally) {
    stop();
    Frame f = new Frame(Objects.requireNonNull(title, "title"), Objects.requireNonNull(budget, "budget"),
        Objects.requireNonNull(tally, "tally"));
    frame = f;
    following = true;
    linesOnScreen = 0;
    long every = redraw ? REDRAW_MILLIS : PLAIN_MILLIS;
    painter = Thread.ofPlatform().daemon().name("live-table").start(() -> {
      while (following) {
        paint(f);
        try {
          Thread.sleep(every);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** Stops following and paints the last frame; does nothing when not following. */
  public synchronized void stop() {
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
    paint(frame);
    out.println();
    out.flush();
  }

  private void paint(Frame f) {
    List<String> lines = render(f.title(), f.budget(), f.tally());
    StringBuilder text = new StringBuilder();
    if (redraw && linesOnScreen > 0) {
      text.append("\033[").append(linesOnScreen).append('A');
    }
    for (String line : lines) {
      if (redraw) {
        text.append(CLEAR_LINE);
      }
      text.append(line).append('\n');
    }
    if (!redraw) {
      text.append('\n');
    }
    out.print(text);
    out.flush();
    linesOnScreen = lines.size();
  }

  /** The table's lines for the tally's counters as they stand. */
  static List<String> render(String title, Duration budget, RunTally tally) {
    List<String> lines = new ArrayList<>();
    TenantTally big = tally.big();
    Double enqueueMs = tally.bigEnqueueMillis();
    String enqueue;
    if (enqueueMs != null) {
      enqueue = String.format(Locale.ROOT, "%s's %,d jobs enqueued in %s", big.name(), big.enqueued(),
          Format.millis(enqueueMs));
    } else if (tally.isFrozen()) {
      enqueue = String.format(Locale.ROOT, "%s's enqueue stopped at %,d jobs", big.name(), big.enqueued());
    } else {
      enqueue = big.name() + " is enqueueing";
    }
    lines.add(String.format(Locale.ROOT, "%s   %.1f s of %d s   %s", title,
        tally.elapsedMillis() / 1000, budget.toSeconds(), enqueue));
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
    OptionalLong first = t.firstStartNanos();
    if (first.isPresent()) {
      return Format.millis(first.getAsLong() / 1e6);
    }
    OptionalLong waiting = t.sinceFirstSubmit(now);
    return waiting.isEmpty() ? "-" : "still waiting, " + Format.millis(waiting.getAsLong() / 1e6);
  }

  /**
   * Whether the console is an interactive terminal, so the table may redraw in place. JDK 22
   * returns a console even when output is redirected and added {@code Console.isTerminal()} to
   * tell; on JDK 21 a non-null console already means a terminal. Reflection keeps release 21.
   */
  static boolean consoleIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private record Frame(String title, Duration budget, RunTally tally) {}
}
