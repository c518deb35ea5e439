package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.List;

/**
 * Upper bound = a tenth of the learning rate at the smoothed loss's minimum (fastai's {@code minimum}): the
 * minimum itself is already too high to train at. Lower bound = upper / 4.
 */
final class MinimumSuggester implements Suggester {
  static final int MIN_POINTS = 10;

  @Override
  public Suggestion suggest(Analysis a) {
    a.requireUsable("min_div_10", MIN_POINTS);
    int min = a.skip;
    for (int i = a.skip + 1; i < a.n; i++) {
      if (a.curve[i] < a.curve[min]) {
        min = i;
      }
    }
    Bounds bounds = a.boundsBelow(a.lr[min] / 10);
    String note = min == a.n - 1 ? "; the loss was still falling at the end, so raise endLr" : "";
    return new Suggestion(SuggestionMethod.MIN_DIV_10, bounds, "smoothed loss is lowest (" + num(a.curve[min])
        + ") at lr=" + num(a.lr[min]) + "; upper = that/10, lower = upper/4" + note, List.of(min));
  }
}
