package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.Arrays;
import java.util.List;

/**
 * Smith's (2017, §3.3) rule on held-out accuracy. The accuracy is first median-filtered over 3 evaluations; its
 * noise {@code sigma} is estimated robustly from second differences ({@code 1.4826 × median|Δ²| / √6}, zero on a
 * clean curve). With {@code rise} = peak − first value:
 * <ul>
 *   <li>lower bound: the first evaluation above {@code first + max(rise/10, 2 sigma)} (accuracy starts to rise);</li>
 *   <li>upper bound: the first later evaluation within {@code max(rise/10, 2 sigma)} of the peak (it stops rising),
 *       or earlier, the best evaluation so far when two raw evaluations in a row fall more than
 *       {@code max(3 sigma, rise/20)} below it (it turns ragged or falls).</li>
 * </ul>
 * A rise below {@code max(4 sigma, 0.01)} is no signal and fails.
 */
final class AccuracySuggester implements Suggester {
  static final int MIN_EVALUATIONS = 6;

  @Override
  public Suggestion suggest(Analysis a) {
    int m = a.evalStep.length;
    if (m < MIN_EVALUATIONS) {
      throw new CannotSuggest("range test has " + m + " evaluation points; the accuracy method needs at least "
          + MIN_EVALUATIONS + " (evaluate more often: lower evalEvery)");
    }
    double[] acc = Analysis.runningMedian(a.evalAccuracy, 1);
    double sigma = noise(a.evalAccuracy);
    double base = acc[0];
    int peak = 0;
    for (int j = 1; j < m; j++) {
      if (acc[j] > acc[peak]) {
        peak = j;
      }
    }
    double rise = acc[peak] - base;
    if (!(rise >= Math.max(4 * sigma, 0.01))) {
      throw new CannotSuggest("held-out accuracy never rises clearly above its start (" + num(base) + ", best "
          + num(acc[peak]) + ", noise " + num(sigma) + "); start the test lower or evaluate on more batches");
    }
    double margin = Math.max(rise / 10, 2 * sigma);
    int lo = 1;
    while (acc[lo] < base + margin) {
      lo++;
    }
    int hi = lo;
    while (acc[hi] < acc[peak] - margin) {
      hi++;
    }
    // ragged or falling: two raw evaluations in a row clearly below the best so far (the median filter would
    // erode a short dip, a single low one may be noise)
    String why = "stops rising";
    double[] raw = a.evalAccuracy;
    double drop = Math.max(3 * sigma, rise / 20);
    double best = raw[lo];
    int bestAt = lo;
    for (int j = lo + 1; j <= hi && j + 1 < m; j++) {
      if (raw[j] > best) {
        best = raw[j];
        bestAt = j;
      } else if (raw[j] < best - drop && raw[j + 1] < best - drop) {
        hi = bestAt;
        why = "turns ragged";
        break;
      }
    }
    int lowerAt = hi == lo ? lo - 1 : lo;
    Bounds bounds = new Bounds(a.evalLr[lowerAt], a.evalLr[hi]);
    return new Suggestion(SuggestionMethod.ACCURACY, bounds, "held-out accuracy starts to rise from " + num(base)
        + " at lr=" + num(bounds.lower()) + " and " + why + " at lr=" + num(bounds.upper()) + " (" + num(acc[hi])
        + ", peak " + num(acc[peak]) + ")", List.of(a.evalStep[lowerAt], a.evalStep[hi]));
  }

  /** Robust noise estimate from second differences: exact 0 for a piecewise-linear curve, sigma for white noise. */
  static double noise(double[] v) {
    if (v.length < 3) {
      return 0;
    }
    double[] d2 = new double[v.length - 2];
    for (int j = 1; j < v.length - 1; j++) {
      d2[j - 1] = Math.abs(v[j + 1] - 2 * v[j] + v[j - 1]);
    }
    Arrays.sort(d2);
    double median = d2.length % 2 == 1 ? d2[d2.length / 2] : (d2[d2.length / 2 - 1] + d2[d2.length / 2]) / 2;
    return 1.4826 * median / Math.sqrt(6);
  }
}
