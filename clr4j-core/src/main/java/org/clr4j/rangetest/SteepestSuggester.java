package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.List;

/**
 * Upper bound where the smoothed loss falls fastest against log10(lr) (fastai's {@code steep}), measured by central
 * differences after the skipped start; lower bound = upper / 4.
 */
final class SteepestSuggester implements Suggester {
  static final int MIN_POINTS = 10;

  @Override
  public Suggestion suggest(Analysis a) {
    a.requireUsable("steepest", MIN_POINTS);
    int best = -1;
    double bestSlope = Double.POSITIVE_INFINITY;
    for (int i = Math.max(a.skip, 1); i <= a.n - 2; i++) {
      double slope = (a.curve[i + 1] - a.curve[i - 1]) / (a.logLr[i + 1] - a.logLr[i - 1]);
      if (slope < bestSlope) {
        bestSlope = slope;
        best = i;
      }
    }
    if (!(bestSlope < 0)) {
      throw new CannotSuggest("the smoothed loss never falls between lr=" + num(a.lr[a.skip]) + " and lr="
          + num(a.lr[a.n - 1]) + "; start the test at a lower learning rate");
    }
    Bounds bounds = a.boundsBelow(a.lr[best]);
    return new Suggestion(SuggestionMethod.STEEPEST, bounds, "smoothed loss falls fastest at lr=" + num(a.lr[best])
        + " (slope " + num(bestSlope) + " per decade); lower = upper/4", List.of(best));
  }
}
