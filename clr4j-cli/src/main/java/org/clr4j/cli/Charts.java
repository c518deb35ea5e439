package org.clr4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clr4j.rangetest.RangePoint;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.Suggestion;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of the find, train and demo commands. */
final class Charts {
  static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C),
      new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};

  /** The palette without the bounds' red and orange. */
  static final Color[] REPEAT_COLORS = {PALETTE[0], PALETTE[2], PALETTE[4], PALETTE[5], PALETTE[6]};

  private Charts() {}

  static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    org.knowm.xchart.style.XYStyler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(0xE0E0E0));
    s.setAntiAlias(true);
    s.setChartTitleFont(s.getChartTitleFont().deriveFont(13f));
    chart.getStyler().setMarkerSize(5);
    return chart;
  }

  static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color, int axis) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    series.setLineWidth(1.5f);
    series.setYAxisGroup(axis);
    return series;
  }

  /** Writes {@code chart} as a PNG to {@code file}, whole or not at all. */
  static void save(XYChart chart, Path file) throws IOException {
    Outputs.write(file, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
  }

  /** Stages {@code chart} as the PNG {@code name} of {@code outputs}. */
  static void stage(XYChart chart, Outputs outputs, String name) throws IOException {
    outputs.stage(name, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
  }

  /**
   * Raw and smoothed loss against lr (log axis), held-out accuracy on the right axis, and the chosen bounds as
   * vertical lines.
   */
  static void rangeTest(RangeTestResult result, Suggestion chosen, String title, Path file) throws IOException {
    try (Outputs outputs = new Outputs(file.toAbsolutePath().getParent())) {
      rangeTest(result, chosen, title, outputs, file.getFileName().toString());
      outputs.commit();
    }
  }

  /** The range-test chart, staged as {@code name} of {@code outputs}. */
  static void rangeTest(RangeTestResult result, Suggestion chosen, String title, Outputs outputs, String name)
      throws IOException {
    List<RangePoint> points = result.points();
    List<double[]> raw = new ArrayList<>();
    double first = Double.NaN;
    for (RangePoint p : points) {
      if (Double.isFinite(p.loss())) {
        raw.add(new double[] {p.lr(), p.loss(), p.smoothedLoss(), result.suggesterLoss(p.index())});
        if (Double.isNaN(first)) {
          first = p.smoothedLoss();
        }
      }
    }
    XYChart chart = chart(title, "learning rate (log scale)", "loss");
    chart.getStyler().setXAxisLogarithmic(true);
    double top = Double.isNaN(first) ? 1 : first * 1.6;
    chart.getStyler().setYAxisMax(0, top);
    chart.getStyler().setYAxisMin(0, 0.0);
    double[] lr = raw.stream().mapToDouble(a -> a[0]).toArray();
    double[] loss = raw.stream().mapToDouble(a -> Math.min(a[1], top)).toArray();
    double[] ema = raw.stream().mapToDouble(a -> Math.min(a[2], top)).toArray();
    double[] read = raw.stream().mapToDouble(a -> Math.min(a[3], top)).toArray();
    if (lr.length > 0) {
      line(chart, "loss", lr, loss, new Color(0xA6C8E6), 0);
      // The suggestions' reasons quote this zero-lag curve; the lagging running average only stops the test.
      line(chart, "EMA (stops the test)", lr, ema, new Color(0xB0B0B0), 0);
      line(chart, "smoothed (suggestions read it)", lr, read, PALETTE[0], 0).setLineWidth(2.2f);
    }
    double[] accLr = points.stream().filter(RangePoint::hasAccuracy).mapToDouble(RangePoint::lr).toArray();
    double[] acc = points.stream().filter(RangePoint::hasAccuracy).mapToDouble(RangePoint::accuracy).toArray();
    if (acc.length > 0) {
      XYSeries a = chart.addSeries("held-out accuracy", accLr, acc);
      a.setYAxisGroup(1);
      a.setLineColor(PALETTE[2]);
      a.setMarkerColor(PALETTE[2]);
      a.setMarker(SeriesMarkers.CIRCLE);
      chart.setYAxisGroupTitle(1, "accuracy");
      chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
      chart.getStyler().setYAxisMin(1, 0.0);
      chart.getStyler().setYAxisMax(1, 1.0);
    }
    if (chosen != null && lr.length > 0) {
      bound(chart, "lower " + fmt(chosen.lower()), chosen.lower(), top, PALETTE[3]);
      bound(chart, "upper " + fmt(chosen.upper()), chosen.upper(), top, PALETTE[1]);
    }
    stage(chart, outputs, name);
  }

  /**
   * The range-test chart of several repeats: each repeat's smoothed loss (the curve its suggestions read) thin, in a
   * colour of its own, its held-out accuracy as small markers of the same colour on the right axis, and the chosen
   * bounds (the medians) as vertical lines.
   */
  static void rangeTestRepeats(RangeTestRepeats repeats, Suggestion chosen, String title, Outputs outputs,
      String name) throws IOException {
    XYChart chart = chart(title, "learning rate (log scale)", "smoothed loss");
    chart.getStyler().setXAxisLogarithmic(true);
    double first = Double.NaN;
    for (RangeTestResult r : repeats.repeats()) {
      for (RangePoint p : r.points()) {
        if (Double.isFinite(p.smoothedLoss())) {
          first = Double.isNaN(first) ? p.smoothedLoss() : Math.max(first, p.smoothedLoss());
          break;
        }
      }
    }
    double top = Double.isNaN(first) ? 1 : first * 1.6;
    chart.getStyler().setYAxisMax(0, top);
    chart.getStyler().setYAxisMin(0, 0.0);
    boolean anyLine = false;
    boolean anyAccuracy = false;
    for (int i = 0; i < repeats.count(); i++) {
      RangeTestResult r = repeats.repeats().get(i);
      Color color = REPEAT_COLORS[i % REPEAT_COLORS.length];
      List<double[]> curve = new ArrayList<>();
      for (RangePoint p : r.points()) {
        double read = r.suggesterLoss(p.index());
        if (Double.isFinite(p.loss()) && Double.isFinite(read)) {
          curve.add(new double[] {p.lr(), Math.min(read, top)});
        }
      }
      if (!curve.isEmpty()) {
        line(chart, "repeat " + (i + 1), curve.stream().mapToDouble(a -> a[0]).toArray(),
            curve.stream().mapToDouble(a -> a[1]).toArray(), color, 0).setLineWidth(1f);
        anyLine = true;
      }
      double[] accLr = r.points().stream().filter(RangePoint::hasAccuracy).mapToDouble(RangePoint::lr).toArray();
      double[] acc = r.points().stream().filter(RangePoint::hasAccuracy).mapToDouble(RangePoint::accuracy).toArray();
      if (acc.length > 0) {
        XYSeries a = chart.addSeries("accuracy " + (i + 1), accLr, acc);
        a.setYAxisGroup(1);
        a.setLineColor(color);
        a.setLineStyle(new BasicStroke(0.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 3f},
            0f));
        a.setMarkerColor(color);
        a.setMarker(SeriesMarkers.CIRCLE);
        a.setShowInLegend(false);
        anyAccuracy = true;
      }
    }
    if (anyAccuracy) {
      chart.setYAxisGroupTitle(1, "held-out accuracy (dots)");
      chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
      chart.getStyler().setYAxisMin(1, 0.0);
      chart.getStyler().setYAxisMax(1, 1.0);
      chart.getStyler().setMarkerSize(3);
    }
    if (chosen != null && anyLine) {
      bound(chart, "lower " + fmt(chosen.lower()) + " (median)", chosen.lower(), top, PALETTE[3]);
      bound(chart, "upper " + fmt(chosen.upper()) + " (median)", chosen.upper(), top, PALETTE[1]);
    }
    stage(chart, outputs, name);
  }

  private static void bound(XYChart chart, String name, double x, double top, Color color) {
    XYSeries s = chart.addSeries(name, new double[] {x, x}, new double[] {0, top});
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineWidth(2f);
    s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
    s.setYAxisGroup(0);
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.3g", v);
  }
}
