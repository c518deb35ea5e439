package org.clr4j.rangetest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The usable part of a range-test curve, prepared once for every suggester.
 *
 * <p>Usable points are those before the first non-finite loss. Suggesters read a zero-lag smoothing of their raw
 * loss: a running median of 5 (removes isolated spikes of one or two points in either direction) followed by a
 * centred moving average of ±{@code max(2, round(n/25))} points, both shrinking symmetrically at the ends. The
 * causal EMA recorded in {@link RangePoint#smoothedLoss()} lags by up to {@code 1/(1-beta)} steps, which would shift
 * every suggestion to larger learning rates, so it is kept for the divergence check and for display only.
 */
final class Analysis {
  /** Loss methods ignore the first tenth of the usable points, as fastai does: early steps are transients. */
  static final int SKIP_DIVISOR = 10;
  /** Lower bound = upper / this, Smith's (2017) "base_lr = max_lr / 3 or 4". */
  static final double LOWER_RATIO = 4;

  final List<RangePoint> points;
  final int n;
  final double[] lr;
  final double[] logLr;
  final double[] loss;
  final double[] curve;
  final int skip;
  final int[] evalStep;
  final double[] evalLr;
  final double[] evalAccuracy;

  Analysis(List<RangePoint> points) {
    this.points = List.copyOf(points);
    int usable = 0;
    while (usable < points.size() && Double.isFinite(points.get(usable).loss())
        && points.get(usable).lr() > 0 && Double.isFinite(points.get(usable).lr())) {
      usable++;
    }
    n = usable;
    lr = new double[n];
    logLr = new double[n];
    loss = new double[n];
    for (int i = 0; i < n; i++) {
      lr[i] = points.get(i).lr();
      logLr[i] = Math.log10(lr[i]);
      loss[i] = points.get(i).loss();
    }
    curve = movingAverage(runningMedian(loss, 2), Math.max(2, (int) Math.round(n / 25.0)));
    skip = n / SKIP_DIVISOR;
    List<Integer> ev = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (points.get(i).hasAccuracy()) {
        ev.add(i);
      }
    }
    evalStep = ev.stream().mapToInt(Integer::intValue).toArray();
    evalLr = new double[evalStep.length];
    evalAccuracy = new double[evalStep.length];
    for (int j = 0; j < evalStep.length; j++) {
      evalLr[j] = lr[evalStep[j]];
      evalAccuracy[j] = points.get(evalStep[j]).accuracy();
    }
  }

  /** Fails with "range test has 3 usable points; the steepest method needs at least 10". */
  void requireUsable(String method, int needed) {
    if (n < needed) {
      String tail = points.size() > n ? " (the loss turned non-finite at step " + n + ")" : "";
      throw new CannotSuggest("range test has " + n + " usable points" + tail + "; the " + method
          + " method needs at least " + needed);
    }
  }

  /** Clamps a learning rate into the usable tested range. */
  double clamp(double value) {
    return Math.min(Math.max(value, lr[0]), lr[n - 1]);
  }

  /** The bounds for a loss-based upper bound: lower = upper / 4, both clamped into the tested range. */
  Bounds boundsBelow(double upper) {
    double u = clamp(upper);
    return new Bounds(clamp(u / LOWER_RATIO), u);
  }

  /** Centred running median of half-width {@code h}, shrinking symmetrically at the ends. */
  static double[] runningMedian(double[] v, int h) {
    double[] out = new double[v.length];
    double[] window = new double[2 * h + 1];
    for (int i = 0; i < v.length; i++) {
      int r = Math.min(h, Math.min(i, v.length - 1 - i));
      int m = 0;
      for (int k = i - r; k <= i + r; k++) {
        window[m++] = v[k];
      }
      Arrays.sort(window, 0, m);
      out[i] = window[m / 2];
    }
    return out;
  }

  /** Centred moving average of half-width {@code h}, shrinking symmetrically at the ends (so it never lags). */
  static double[] movingAverage(double[] v, int h) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int r = Math.min(h, Math.min(i, v.length - 1 - i));
      double sum = 0;
      for (int k = i - r; k <= i + r; k++) {
        sum += v[k];
      }
      out[i] = sum / (2 * r + 1);
    }
    return out;
  }

  /** Two significant digits, compact: {@code 3.2e-3}, {@code 0.032}, {@code 1.9}, {@code 12}. */
  static String num(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return String.valueOf(v);
    }
    double a = Math.abs(v);
    if (a >= 0.01 && a < 1000) {
      String s = new java.math.BigDecimal(v).round(new java.math.MathContext(2)).stripTrailingZeros()
          .toPlainString();
      return s;
    }
    String s = String.format(Locale.ROOT, "%.1e", v); // 3.2e-03
    int e = s.indexOf('e');
    String mantissa = s.substring(0, e).replace(".0", "");
    int exp = Integer.parseInt(s.substring(e + 1));
    return mantissa + "e" + exp;
  }
}
