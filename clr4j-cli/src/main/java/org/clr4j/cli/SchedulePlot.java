package org.clr4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A chart of a schedule: lr on the left axis, momentum on the right, against step. Points arrive one step at a
 * time; a long schedule is thinned as they arrive, so memory stays small whatever the step count.
 */
final class SchedulePlot {
  /** At most about this many points per line. */
  static final int MAX_POINTS = 4000;

  enum Format { PNG, SVG }

  private final String title;
  private final boolean hasMomentum;
  private final Thinner lr;
  private final Thinner momentum;

  SchedulePlot(String title, long steps, boolean hasMomentum) {
    this.title = title;
    this.hasMomentum = hasMomentum;
    this.lr = new Thinner(steps);
    this.momentum = new Thinner(steps);
  }

  /** Steps must arrive in order, 0, 1, 2, ...; a NaN momentum is left out. */
  void add(long step, double lrValue, double momentumValue) {
    lr.add(step, lrValue);
    if (!Double.isNaN(momentumValue)) {
      momentum.add(step, momentumValue);
    }
  }

  void write(Path file, Format format, boolean logY) throws IOException {
    lr.finish();
    momentum.finish();
    if (logY) {
      requirePositive("lr", lr);
      requirePositive("momentum", momentum);
    }
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title).xAxisTitle("step")
        .yAxisTitle("lr").build();
    XYStyler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setYAxisLogarithmic(logY);
    styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(13f));
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(0xE0E0E0));
    styler.setMarkerSize(0);
    styler.setAntiAlias(true);

    XYSeries lrSeries = chart.addSeries("lr", lr.xs(), lr.ys());
    lrSeries.setMarker(SeriesMarkers.NONE);
    lrSeries.setLineColor(new Color(0x1F77B4));
    lrSeries.setLineWidth(1.5f);
    lrSeries.setYAxisGroup(0);
    chart.setYAxisGroupTitle(0, "lr");
    if (hasMomentum && momentum.size() > 0) {
      XYSeries mSeries = chart.addSeries("momentum", momentum.xs(), momentum.ys());
      mSeries.setMarker(SeriesMarkers.NONE);
      mSeries.setLineColor(new Color(0xD62728));
      mSeries.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
          new float[] {6f, 4f}, 0f));
      mSeries.setYAxisGroup(1);
      chart.setYAxisGroupTitle(1, "momentum");
      styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    }

    Outputs.write(file, os -> {
      if (format == Format.PNG) {
        BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
      } else {
        VectorGraphicsEncoder.saveVectorGraphic(chart, os, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
      }
    });
  }

  private static void requirePositive(String name, Thinner t) {
    if (t.size() > 0 && !(t.min > 0)) {
      throw new IllegalArgumentException("--log-y: " + name + " reaches " + t.min
          + ", which a logarithmic axis cannot show; drop --log-y");
    }
  }

  /**
   * Keeps, of each stretch of consecutive steps, the points where the value is lowest and highest (in step order),
   * plus the very last point: peaks and troughs survive, and a line drawn through the kept points looks like the
   * full one.
   */
  static final class Thinner {
    private final long bucketSize;
    private double[] x = new double[256];
    private double[] y = new double[256];
    private int size;
    double min = Double.POSITIVE_INFINITY;
    // The stretch being gathered.
    private long bucket = -1;
    private long loStep;
    private long hiStep;
    private double lo;
    private double hi;
    private long lastStep = -1;
    private double last;

    Thinner(long steps) {
      long stretches = MAX_POINTS / 2;
      // steps / stretches rounded up, without the overflow of (steps + stretches - 1) near Long.MAX_VALUE, which
      // made the size 1 and kept every point.
      this.bucketSize = Math.max(1, steps / stretches + (steps % stretches == 0 ? 0 : 1));
    }

    void add(long step, double value) {
      min = Math.min(min, value);
      long b = step / bucketSize;
      if (b != bucket) {
        flush();
        bucket = b;
        loStep = hiStep = step;
        lo = hi = value;
      } else if (value < lo) {
        lo = value;
        loStep = step;
      } else if (value > hi) {
        hi = value;
        hiStep = step;
      }
      lastStep = step;
      last = value;
    }

    private void flush() {
      if (bucket < 0) {
        return;
      }
      if (loStep == hiStep) {
        put(loStep, lo);
      } else if (loStep < hiStep) {
        put(loStep, lo);
        put(hiStep, hi);
      } else {
        put(hiStep, hi);
        put(loStep, lo);
      }
    }

    void finish() {
      flush();
      bucket = -1;
      if (lastStep >= 0 && (size == 0 || x[size - 1] != lastStep)) {
        put(lastStep, last);
      }
    }

    private void put(long step, double value) {
      if (size == x.length) {
        x = Arrays.copyOf(x, size * 2);
        y = Arrays.copyOf(y, size * 2);
      }
      x[size] = step;
      y[size] = value;
      size++;
    }

    int size() {
      return size;
    }

    double[] xs() {
      return Arrays.copyOf(x, size);
    }

    double[] ys() {
      return Arrays.copyOf(y, size);
    }
  }
}
