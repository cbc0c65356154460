package dev.croupier.bench.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of a scenario run, drawn with XChart (headless). */
public final class Charts {

  /** Most points drawn per series; longer series are thinned evenly. */
  static final int MAX_POINTS = 600;

  private Charts() {}

  /**
   * Per-tenant cumulative service over time: one line per tenant, x = seconds since the run
   * started, y = seconds of work served to it so far.
   *
   * @param series tenant label to {x[], y[]}
   */
  public static void cumulativeService(Path file, String title, Map<String, double[][]> series) {
    XYChart chart = chart(title, "time since start (s)", "cumulative service (s of work)");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    series.forEach((name, xy) -> add(chart, name, xy[0], xy[1]));
    save(chart, file);
  }

  /**
   * Wait-time distributions as CDFs on a log time axis, one line per contender.
   *
   * @param waitsNanos contender name to its waits in nanoseconds
   */
  public static void waitDistribution(Path file, String title, Map<String, long[]> waitsNanos) {
    XYChart chart = chart(title, "wait from enqueue to start (ms, log scale)", "fraction of jobs started");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setYAxisDecimalPattern("0.0");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    waitsNanos.forEach((name, waits) -> {
      if (waits.length == 0) {
        return;
      }
      long[] sorted = waits.clone();
      Arrays.sort(sorted);
      double[] x = new double[sorted.length];
      double[] y = new double[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        x[i] = Math.max(0.01, sorted[i] / 1e6); // a log axis cannot show 0
        y[i] = (i + 1) / (double) sorted.length;
      }
      add(chart, name, x, y);
    });
    save(chart, file);
  }

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(10f));
    return chart;
  }

  private static void add(XYChart chart, String name, double[] x, double[] y) {
    if (x.length == 0) {
      return;
    }
    int step = Math.max(1, x.length / MAX_POINTS);
    int n = (x.length + step - 1) / step;
    double[] tx = new double[n + (((x.length - 1) % step) == 0 ? 0 : 1)];
    double[] ty = new double[tx.length];
    int k = 0;
    for (int i = 0; i < x.length; i += step) {
      tx[k] = x[i];
      ty[k++] = y[i];
    }
    if (k < tx.length) { // always keep the last point: it is the total
      tx[k] = x[x.length - 1];
      ty[k] = y[y.length - 1];
    }
    XYSeries s = chart.addSeries(name, tx, ty);
    s.setMarker(SeriesMarkers.NONE);
  }

  private static void save(XYChart chart, Path file) {
    System.setProperty("java.awt.headless", "true");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        ChartEncoder.saveChart(chart, out, "png");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write chart " + file, e);
    }
  }
}
